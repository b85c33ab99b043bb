#include "report/table.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(ReportTable, MoneyRoundsToCentsAndSeparatesThousands) {
  EXPECT_EQ(Money(0), "$0.00");
  EXPECT_EQ(Money(12.3456), "$12.35");
  EXPECT_EQ(Money(0.999), "$1.00");
  EXPECT_EQ(Money(999.995), "$1,000.00");
  EXPECT_EQ(Money(12345.678), "$12,345.68");
  EXPECT_EQ(Money(1234567.891), "$1,234,567.89");
  EXPECT_EQ(Money(-0.5), "-$0.50");
  EXPECT_EQ(Money(-1234.5), "-$1,234.50");
}

TEST(ReportTable, ThousandsSeparatesGroupsOfThree) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(-1234), "-1,234");
}

TEST(ReportTable, ColumnsAlignNumbersRightAndCountCharactersNotBytes) {
  TextTable t({"Name", "Cost"});
  t.AddRow({"\xC3\xA9t\xC3\xA9", Money(1234.5)});  // "été": 3 characters, 5 bytes
  t.AddRow({"x", Money(1)});
  const std::string out = t.Render();
  EXPECT_NE(out.find("\xC3\xA9t\xC3\xA9   $1,234.50"), std::string::npos) << out;
  EXPECT_NE(out.find("x         $1.00"), std::string::npos) << out;
}

}  // namespace
}  // namespace cs
