#include "store/preview_codec.h"

#include <zstd.h>

#include <memory>

namespace cs {

namespace {

// Below this, a zstd frame's own header and the little context a short text gives make
// compression pointless.
constexpr size_t kMinPacked = 128;
// A preview is at most a few KB (kMaxPreview in ingest/); anything claiming to be larger than
// this is not a frame we wrote.
constexpr unsigned long long kMaxUnpacked = 1 << 20;
// Level 1: on 2 KB previews levels 2 and 3 gave the same size no faster (each call's setup
// dominates), and level -1 was ~1.6x faster for a 14% larger output, which did not make the
// import measurably faster (the reader thread that compresses waits for the writer anyway).
constexpr int kLevel = 1;

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

}  // namespace

std::string PackPreview(std::string_view text) {
  if (text.size() < kMinPacked) return {};
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> ctx(ZSTD_createCCtx());
  if (!ctx) return {};
  // One buffer per thread rather than a fresh zero-filled one per preview.
  thread_local std::string buf;
  if (buf.size() < ZSTD_compressBound(text.size())) buf.resize(ZSTD_compressBound(text.size()));
  size_t n = ZSTD_compressCCtx(ctx.get(), buf.data(), buf.size(), text.data(), text.size(), kLevel);
  if (ZSTD_isError(n) || n > text.size() - text.size() / 10) return {};
  return buf.substr(0, n);
}

std::string UnpackPreview(std::string_view blob) {
  unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxUnpacked)
    return {};
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> ctx(ZSTD_createDCtx());
  if (!ctx) return {};
  std::string out(size, '\0');
  size_t n = ZSTD_decompressDCtx(ctx.get(), out.data(), out.size(), blob.data(), blob.size());
  if (ZSTD_isError(n) || n != size) return {};
  return out;
}

}  // namespace cs
