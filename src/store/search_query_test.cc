#include "store/search_query.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "store/test_seed.h"

// Rows and filters are written with designated initializers that leave the other fields at
// their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace cs {
namespace {

using test::kT0;

TEST(BuildFtsMatch, QuotesEveryWordAndPhrase) {
  EXPECT_EQ(BuildFtsMatch("hello world"), R"("hello" "world")");
  EXPECT_EQ(BuildFtsMatch(R"(  "exact phrase"  tail )"), R"("exact phrase" "tail")");
  EXPECT_EQ(BuildFtsMatch(R"(AND OR NOT)"), R"("AND" "OR" "NOT")");
  EXPECT_EQ(BuildFtsMatch("col:x"), R"("col:x")");
  EXPECT_EQ(BuildFtsMatch("NEAR(a b)"), R"x("NEAR(a" "b)")x");
  EXPECT_EQ(BuildFtsMatch(R"(ab"cd)"), R"("ab" "cd")");
  EXPECT_EQ(BuildFtsMatch(R"("unclosed phrase)"), R"("unclosed phrase")");
}

TEST(BuildFtsMatch, NoWordsGivesEmpty) {
  EXPECT_EQ(BuildFtsMatch(""), "");
  EXPECT_EQ(BuildFtsMatch("   "), "");
  EXPECT_EQ(BuildFtsMatch("\""), "");
  EXPECT_EQ(BuildFtsMatch("\"\" \"  \""), "");
}

TEST(BuildFtsMatch, RefusesHugeQueries) {
  try {
    BuildFtsMatch(std::string(kMaxSearchBytes + 1, 'a'));
    FAIL() << "expected a RequestError";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.field(), "q");
  }
  std::string many;
  for (std::size_t i = 0; i <= kMaxSearchTerms; ++i)
    many += "w ";
  EXPECT_THROW(BuildFtsMatch(many, "search"), RequestError);
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed.Session({.id = "s1", .project_path = "/work/alpha", .project_name = "alpha"});
    seed.Session({.id = "s2", .project_path = "/work/beta", .project_name = "beta"});
    seed.Message({.id = "m1",
                  .session_id = "s1",
                  .text = "please fix the zebracorn parser",
                  .timestamp = kT0});
    seed.Message({.id = "m2",
                  .session_id = "s1",
                  .type = "assistant",
                  .kind = "response",
                  .model = "claude-x",
                  .text = "zebracorn zebracorn fixed",
                  .timestamp = kT0 + 1});
    seed.Message({.id = "m3",
                  .session_id = "s2",
                  .text = "the café menu and AND OR NOT words",
                  .timestamp = kT0 + 2});
    seed.Message({.id = "m4",
                  .session_id = "s2",
                  .text = "x*y col:x (paren) NEAR(a b)",
                  .timestamp = kT0 + 3});
  }
  nlohmann::ordered_json Run(const std::string& q, SearchFilter f = {}) {
    f.q = q;
    return SearchMessages(seed.db(), f);
  }
  test::SeedStore seed;
};

TEST_F(SearchTest, BestFirstWithSnippetAndFields) {
  auto r = Run("zebracorn");
  ASSERT_EQ(r["total"], 2);
  ASSERT_EQ(r["results"].size(), 2u);
  EXPECT_EQ(r["results"][0]["id"], "m2");  // two occurrences rank higher
  EXPECT_GT(r["results"][0]["rank"].get<double>(), r["results"][1]["rank"].get<double>());
  EXPECT_EQ(r["results"][1]["snippet"], "please fix the [zebracorn] parser");
  EXPECT_EQ(r["results"][0]["project_path"], "/work/alpha");
  EXPECT_EQ(r["results"][0]["session_id"], "s1");
  EXPECT_EQ(r["results"][0]["model"], "claude-x");
  EXPECT_EQ(r["results"][0]["timestamp"], "2026-09-21T14:13:20.001Z");
}

TEST_F(SearchTest, Filters) {
  EXPECT_EQ(Run("zebracorn", {.type = "user"})["total"], 1);
  EXPECT_EQ(Run("zebracorn", {.session_id = "s2"})["total"], 0);
  EXPECT_EQ(Run("zebracorn", {.project = "alpha"})["total"], 2);
  EXPECT_EQ(Run("zebracorn", {.project = "/work/beta"})["total"], 0);
  auto page = Run("zebracorn", {.limit = 1, .offset = 1});
  EXPECT_EQ(page["total"], 2);
  ASSERT_EQ(page["results"].size(), 1u);
  EXPECT_EQ(page["results"][0]["id"], "m1");
}

TEST_F(SearchTest, PhrasesAndAnd) {
  EXPECT_EQ(Run("\"fix the zebracorn\"")["total"], 1);
  EXPECT_EQ(Run("\"zebracorn the fix\"")["total"], 0);
  EXPECT_EQ(Run("zebracorn parser")["total"], 1);
}

TEST_F(SearchTest, OperatorsAreWords) {
  EXPECT_EQ(Run("AND OR NOT")["total"], 1);
  EXPECT_EQ(Run("col:x")["total"], 1);
  EXPECT_EQ(Run("NEAR(")["total"], 1);
  EXPECT_EQ(Run("NEAR(a b)")["total"], 1);
}

TEST_F(SearchTest, TrickyInputsNeverFail) {
  for (std::string q :
       {"\"", "*", "(", ")", "^", "-", "\"\"\"", "a\"b\"c", "NOT", "OR a", "col:", ":", "{a b}",
        "\xff\xfe", "'; DROP TABLE messages; --", "\"NEAR(a b, 2)\"", "zebra*", "+zebracorn"}) {
    EXPECT_NO_THROW(Run(q)) << q;
  }
  EXPECT_EQ(Run("\"")["total"], 0);
  EXPECT_EQ(Run("*")["total"], 0);
}

TEST_F(SearchTest, UnicodeFoldsDiacritics) {
  EXPECT_EQ(Run("cafe")["total"], 1);
  EXPECT_EQ(Run("CAFÉ")["total"], 1);
  EXPECT_EQ(Run("日本語")["total"], 0);
}

TEST_F(SearchTest, LongQueries) {
  EXPECT_EQ(Run(std::string(kMaxSearchBytes, 'z'))["total"], 0);
  std::string words;
  for (int i = 0; i < 60; ++i)
    words += "zebracorn ";
  EXPECT_EQ(Run(words)["total"], 2);
  try {
    Run(std::string(kMaxSearchBytes + 1, 'z'));
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 400);
  }
}

TEST_F(SearchTest, EmptyQIsBadRequest) {
  try {
    Run("");
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.field(), "q");
  }
}

}  // namespace
}  // namespace cs
