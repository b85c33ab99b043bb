#include "store/preview_codec.h"

#include <lz4.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <memory>

namespace cs {

namespace {

// Below this, the header and the little context a short text gives make compression pointless.
constexpr size_t kMinPacked = 128;
// A preview is at most a few KB (kMaxPreview in ingest/); anything claiming to be larger than
// this is not a BLOB we wrote.
constexpr size_t kMaxUnpacked = 1 << 20;

constexpr char kMagic[4] = {'C', 'S', 'L', '4'};
constexpr size_t kHeader = sizeof(kMagic) + sizeof(uint32_t);

struct StreamFree {
  void operator()(LZ4_stream_t* s) const { LZ4_freeStream(s); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// Schema 7's format: one zstd frame that records its content size.
std::string UnpackZstd(std::string_view blob) {
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

}  // namespace

std::string PackPreview(std::string_view text) {
  if (text.size() < kMinPacked || text.size() > kMaxUnpacked) return {};
  // A stream reset with LZ4_resetStream_fast() compresses each text as an independent block
  // without clearing its 16 KB table first (LZ4_compress_fast() clears it on every call, which
  // cost more than compressing a 1 KB preview).
  thread_local std::unique_ptr<LZ4_stream_t, StreamFree> stream(LZ4_createStream());
  if (!stream) return {};
  LZ4_resetStream_fast(stream.get());
  const int bound = LZ4_compressBound(int(text.size()));
  thread_local std::string buf;  // one per thread rather than a fresh zero-filled one per call
  if (buf.size() < kHeader + size_t(bound)) buf.resize(kHeader + size_t(bound));
  const uint32_t size = uint32_t(text.size());
  std::memcpy(buf.data(), kMagic, sizeof(kMagic));
  for (size_t i = 0; i < sizeof(size); ++i)
    buf[sizeof(kMagic) + i] = char((size >> (8 * i)) & 0xff);
  const int n = LZ4_compress_fast_continue(stream.get(), text.data(), buf.data() + kHeader,
                                           int(text.size()), bound, 1);
  if (n <= 0 || kHeader + size_t(n) > text.size() - text.size() / 10) return {};
  return buf.substr(0, kHeader + size_t(n));
}

std::string UnpackPreview(std::string_view blob) {
  if (blob.size() < kHeader || std::memcmp(blob.data(), kMagic, sizeof(kMagic)) != 0)
    return UnpackZstd(blob);
  uint32_t size = 0;
  for (size_t i = 0; i < sizeof(size); ++i)
    size |= uint32_t(uint8_t(blob[sizeof(kMagic) + i])) << (8 * i);
  if (size > kMaxUnpacked) return {};
  std::string out(size, '\0');
  const int n =
      LZ4_decompress_safe(blob.data() + kHeader, out.data(), int(blob.size() - kHeader), int(size));
  if (n < 0 || uint32_t(n) != size) return {};
  return out;
}

}  // namespace cs
