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

TEST(PreviewCodec, ATextThatShrinksIsPackedAndReadsBackWhole) {
  const std::string text = Output(2048);
  std::string packed = PackPreview(text);
  ASSERT_FALSE(packed.empty());
  EXPECT_LT(packed.size(), text.size() / 2);
  EXPECT_EQ(UnpackPreview(packed), text);
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

TEST(PreviewCodec, ABlobThatIsNoFrameOfOursReadsAsEmpty) {
  EXPECT_EQ(UnpackPreview(""), "");
  EXPECT_EQ(UnpackPreview("not a zstd frame at all"), "");
  std::string packed = PackPreview(Output(1000));
  EXPECT_EQ(UnpackPreview(std::string_view(packed).substr(0, packed.size() - 3)), "");
  // A frame that claims more than a preview can be (16 MB of zeros compresses to a few bytes).
  std::string zeros(16 << 20, '\0');
  std::string big(ZSTD_compressBound(zeros.size()), '\0');
  big.resize(ZSTD_compress(big.data(), big.size(), zeros.data(), zeros.size(), 1));
  EXPECT_EQ(UnpackPreview(big), "");
}

}  // namespace
}  // namespace cs
