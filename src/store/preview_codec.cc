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
// Level 1: zstd's fastest standard level; higher levels gained a few percent of size on
// transcripts for several times the time.
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
  std::string out(ZSTD_compressBound(text.size()), '\0');
  size_t n = ZSTD_compressCCtx(ctx.get(), out.data(), out.size(), text.data(), text.size(), kLevel);
  if (ZSTD_isError(n) || n > text.size() - text.size() / 10) return {};
  out.resize(n);
  return out;
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
