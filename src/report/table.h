// TextTable: a terminal table with aligned columns (numbers right-aligned), used by the CLI
// reports. Column widths count UTF-8 characters, not bytes. Not thread-safe; a plain value.
#pragma once
#include <string>
#include <vector>

namespace cs {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void AddSeparator() { rows_.push_back({}); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;  // empty row = separator
};

// 1234567 -> "1,234,567"
std::string Thousands(long long v);
// 12.3456 -> "$12.35", 12345.678 -> "$12,345.68", -0.5 -> "-$0.50"
std::string Money(double v);

}  // namespace cs
