#include "store/preview_codec.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <random>

namespace cs {
namespace {

std::string Output(size_t n) {
  std::string s;
  for (int i = 0; s.size() < n; ++i)
    s += "line " + std::to_string(i) + ": drwxr-xr-x 2 dev dev 4096 src/store/file.cc\n";
  s.resize(n);
  return s;
}

std::string Zstd(std::string_view text) {
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1));
  return frame;
}

TEST(PreviewCodec, ATextThatShrinksIsPackedAndReadsBackWhole) {
  const std::string text = Output(2048);
  std::string packed = PackPreview(text);
  ASSERT_FALSE(packed.empty());
  EXPECT_EQ(packed.substr(0, 4), "CSL4");
  EXPECT_LT(packed.size(), text.size() / 2);
  EXPECT_EQ(UnpackPreview(packed), text);
  // Each text is a block of its own: packing others in between (the same thread's state)
  // changes neither its bytes nor what they read back as.
  const std::string other = Output(1500) + "other";
  EXPECT_EQ(UnpackPreview(PackPreview(other)), other);
  EXPECT_EQ(PackPreview(text), packed);
  // UTF-8 and NUL bytes survive.
  const std::string mixed = Output(600) + std::string("caf\xc3\xa9 \0 end", 11) + Output(600);
  EXPECT_EQ(UnpackPreview(PackPreview(mixed)), mixed);
}

TEST(PreviewCodec, ShortOrIncompressibleTextStaysText) {
  EXPECT_EQ(PackPreview(""), "");
  EXPECT_EQ(PackPreview(Output(127)), "");
  std::mt19937 rng(7);
  std::string noise(2048, '\0');
  for (char& c : noise)
    c = char(rng());
  EXPECT_EQ(PackPreview(noise), "");
}

TEST(PreviewCodec, AZstdFrameOfSchema7StillReadsBack) {
  const std::string text = Output(1800);
  EXPECT_EQ(UnpackPreview(Zstd(text)), text);
}

TEST(PreviewCodec, ABlobThatIsNoFrameOfOursReadsAsEmpty) {
  EXPECT_EQ(UnpackPreview(""), "");
  EXPECT_EQ(UnpackPreview("not a zstd frame at all"), "");
  EXPECT_EQ(UnpackPreview("CSL4"), "");
  std::string packed = PackPreview(Output(1000));
  EXPECT_EQ(UnpackPreview(std::string_view(packed).substr(0, packed.size() - 3)), "");
  // A size field that does not match the block.
  std::string wrong = packed;
  wrong[4] = char(wrong[4] + 1);
  EXPECT_EQ(UnpackPreview(wrong), "");
  // A block that claims more than a preview can be, in either format (16 MB of zeros
  // compresses to a few bytes).
  std::string claims = packed;
  claims[7] = 1;  // 16 MB and more
  EXPECT_EQ(UnpackPreview(claims), "");
  EXPECT_EQ(UnpackPreview(Zstd(std::string(16 << 20, '\0'))), "");
  std::string zstd = Zstd(Output(1000));
  EXPECT_EQ(UnpackPreview(std::string_view(zstd).substr(0, zstd.size() - 3)), "");
}

}  // namespace
}  // namespace cs
