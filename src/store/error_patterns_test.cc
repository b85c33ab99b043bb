#include "store/error_patterns.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(ErrorPatterns, NumbersBecomeN) {
  EXPECT_EQ(NormaliseErrorText("Exit code 127"), "Exit code N");
  EXPECT_EQ(NormaliseErrorText("took 1.5s, 3,000 lines"), "took Ns, N lines");
  EXPECT_EQ(NormaliseErrorText("Exit code 1\ntest failed"), "Exit code N test failed");
  EXPECT_EQ(NormaliseErrorText("Exit code 2"), NormaliseErrorText("Exit code 1"));
}

TEST(ErrorPatterns, PathsBecomePath) {
  EXPECT_EQ(NormaliseErrorText("File does not exist: /home/dev/work/app/src/main.cc"),
            "File does not exist: <path>");
  EXPECT_EQ(NormaliseErrorText("cannot open ./build/out.o, retrying"),
            "cannot open <path>, retrying");
  EXPECT_EQ(NormaliseErrorText("error in (src/a.cc:12)"), "error in (<path>)");
  EXPECT_EQ(NormaliseErrorText("see ~/notes"), "see <path>");
  // A fraction is numbers, not a path.
  EXPECT_EQ(NormaliseErrorText("passed 3/4"), "passed N/N");
}

TEST(ErrorPatterns, HexIdsBecomeId) {
  EXPECT_EQ(NormaliseErrorText("request 5c0375b4-57a5-4f26-b12d-d022ee4e51b7 failed"),
            "request <id> failed");
  EXPECT_EQ(NormaliseErrorText("commit deadbeef12 not found"), "commit <id> not found");
  EXPECT_EQ(NormaliseErrorText("segfault at 0x7ffd1234"), "segfault at <id>");
  // Dates and plain numbers are numbers; hex-looking words without digits stay words.
  EXPECT_EQ(NormaliseErrorText("on 2026-10-01"), "on N-N-N");
  EXPECT_EQ(NormaliseErrorText("accepted defaced"), "accepted defaced");
}

TEST(ErrorPatterns, QuotedStringsCollapse) {
  EXPECT_EQ(NormaliseErrorText("String to replace not found in file: \"foo bar\""),
            "String to replace not found in file: \"\xE2\x80\xA6\"");
  EXPECT_EQ(NormaliseErrorText("unknown option 'x-y'"), "unknown option \"\xE2\x80\xA6\"");
  EXPECT_EQ(NormaliseErrorText("run `make 2`"), "run \"\xE2\x80\xA6\"");
  // An apostrophe inside a word is not a quote.
  EXPECT_EQ(NormaliseErrorText("file doesn't exist"), "file doesn't exist");
  // An unclosed quote is kept as text.
  EXPECT_EQ(NormaliseErrorText("bad \"thing"), "bad \"thing");
}

TEST(ErrorPatterns, GroupsVariants) {
  EXPECT_EQ(NormaliseErrorText("command not found: foo"), "command not found: foo");
  EXPECT_EQ(
      NormaliseErrorText("  <tool_use_error>File /a/b.txt has not been read yet</tool_use_error> "),
      NormaliseErrorText("<tool_use_error>File /c/d/e.md has not been read yet</tool_use_error>"));
  EXPECT_EQ(NormaliseErrorText(""), "");
}

TEST(ErrorPatterns, BoundedOutput) {
  std::string big(100000, 'x');
  EXPECT_LE(NormaliseErrorText(big).size(), kMaxPatternKeyBytes);
  std::string utf8;
  for (int i = 0; i < 400; ++i)
    utf8 += "\xC3\xA9";  // é
  std::string key = NormaliseErrorText(utf8);
  EXPECT_LE(key.size(), kMaxPatternKeyBytes);
  EXPECT_EQ(key.size() % 2, 0u);  // never cut inside a character
}

TEST(ErrorPatterns, ExampleIsCutOnCharacters) {
  EXPECT_EQ(ErrorExample("  hello  "), "hello");
  std::string s;
  for (int i = 0; i < 300; ++i)
    s += "\xC3\xA9";
  EXPECT_EQ(ErrorExample(s).size(), 400u);
  EXPECT_EQ(ErrorExample("abcdef", 3), "abc");
}

}  // namespace
}  // namespace cs
