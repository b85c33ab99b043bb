#include "report/table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace cs {

namespace {

size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

bool Numeric(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == ',' || c == '.' || c == '$' ||
          c == '-' || c == '%')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string TextTable::Render() const {
  std::vector<size_t> w(header_.size(), 0);
  for (size_t i = 0; i < header_.size(); ++i)
    w[i] = Width(header_[i]);
  for (const auto& r : rows_) {
    for (size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], Width(r[i]));
  }
  auto line = [&](const std::vector<std::string>& r, bool header) {
    std::string out;
    for (size_t i = 0; i < w.size(); ++i) {
      std::string cell = i < r.size() ? r[i] : "";
      std::string pad(w[i] - Width(cell), ' ');
      out += (!header && Numeric(cell)) ? pad + cell : cell + pad;
      if (i + 1 < w.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    return out + "\n";
  };
  std::string sep;
  for (size_t i = 0; i < w.size(); ++i) {
    sep += std::string(w[i], '-');
    if (i + 1 < w.size()) sep += "  ";
  }
  sep += "\n";
  std::string out = line(header_, true) + sep;
  for (const auto& r : rows_)
    out += r.empty() ? sep : line(r, false);
  return out;
}

std::string Thousands(long long v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3 + 1);
  if (v < 0) out.push_back('-');
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Money(double v) {
  // Rounded to cents first, so that 0.999 shows as $1.00 and the separators see the whole dollars.
  const long long cents = std::llround(v * 100);
  const long long abs_cents = cents < 0 ? -cents : cents;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%02lld", abs_cents % 100);
  return (cents < 0 ? "-$" : "$") + Thousands(abs_cents / 100) + frac;
}

}  // namespace cs
