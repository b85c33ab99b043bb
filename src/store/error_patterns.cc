#include "store/error_patterns.h"

#include <cctype>

namespace cs {

namespace {

bool IsSpace(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}
bool IsAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool IsHexLetter(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsPath(std::string_view t) {
  if (t.size() < 2) return false;
  if (t.starts_with("~/") || t.starts_with("./") || t.starts_with("../")) return true;
  if (t.size() >= 3 && std::isalpha(static_cast<unsigned char>(t[0])) && t[1] == ':' &&
      (t[2] == '\\' || t[2] == '/')) {
    return true;
  }
  if (t.find('/') == std::string_view::npos) return false;
  if (t.find_first_of("<>") != std::string_view::npos) return false;  // markup, not a path
  for (char c : t) {
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '.' || c == '_') return true;
  }
  return false;
}

// Cuts to at most max_bytes on a UTF-8 boundary.
std::string_view CutBytes(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  return s.substr(0, n);
}

}  // namespace

std::string NormaliseErrorText(std::string_view in) {
  std::string_view s = CutBytes(in, kMaxNormalisedInput);
  std::string out;
  out.reserve(s.size());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = s[i];
    if (IsSpace(c)) {
      while (i < n && IsSpace(s[i]))
        ++i;
      if (!out.empty()) out.push_back(' ');
      continue;
    }
    const bool word_start = i == 0 || !IsAlnum(s[i - 1]);
    // Quoted strings.
    if (c == '"' || c == '`' || (c == '\'' && word_start)) {
      std::size_t j = i + 1;
      while (j < n && s[j] != c && s[j] != '\n')
        ++j;
      if (j < n && s[j] == c && (c != '\'' || j + 1 >= n || !IsAlnum(s[j + 1]))) {
        out += "\"\xE2\x80\xA6\"";  // "…"
        i = j + 1;
        continue;
      }
      out.push_back(c);
      ++i;
      continue;
    }
    // Paths: whole whitespace-separated tokens.
    if (i == 0 || IsSpace(s[i - 1])) {
      std::size_t e = i;
      while (e < n && !IsSpace(s[e]))
        ++e;
      std::string_view token = s.substr(i, e - i);
      std::size_t lead = 0, trail = 0;
      while (lead < token.size() &&
             std::string_view("([{<").find(token[lead]) != std::string_view::npos)
        ++lead;
      while (trail < token.size() - lead &&
             std::string_view(".,;:)]}>!?").find(token[token.size() - 1 - trail]) !=
                 std::string_view::npos) {
        ++trail;
      }
      std::string_view core = token.substr(lead, token.size() - lead - trail);
      if (IsPath(core)) {
        out += token.substr(0, lead);
        out += "<path>";
        out += token.substr(token.size() - trail);
        i = e;
        continue;
      }
    }
    // Hex ids.
    if (word_start && c == '0' && i + 2 < n && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
        IsHex(s[i + 2])) {
      std::size_t j = i + 2;
      while (j < n && IsHex(s[j]))
        ++j;
      out += "<id>";
      i = j;
      continue;
    }
    if (word_start && IsHex(c)) {
      std::size_t j = i;
      bool digit = false, letter = false, dash = false;
      while (j < n && (IsHex(s[j]) || s[j] == '-')) {
        digit |= IsDigit(s[j]);
        letter |= IsHexLetter(s[j]);
        dash |= s[j] == '-';
        ++j;
      }
      while (j > i && s[j - 1] == '-')
        --j;
      const std::size_t len = j - i;
      const bool bounded = j >= n || !IsAlnum(s[j]);
      if (bounded && digit && len >= 8 && (letter || (!dash && len >= 16))) {
        out += "<id>";
        i = j;
        continue;
      }
    }
    // Numbers.
    if (IsDigit(c)) {
      std::size_t j = i;
      while (j < n && (IsDigit(s[j]) ||
                       ((s[j] == '.' || s[j] == ',') && j + 1 < n && IsDigit(s[j + 1]) && j > i))) {
        ++j;
      }
      out.push_back('N');
      i = j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return std::string(CutBytes(out, kMaxPatternKeyBytes));
}

std::string ErrorExample(std::string_view s, std::size_t max_chars) {
  while (!s.empty() && IsSpace(s.front()))
    s.remove_prefix(1);
  std::size_t chars = 0, i = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) break;
      ++chars;
    }
    ++i;
  }
  s = s.substr(0, i);
  while (!s.empty() && IsSpace(s.back()))
    s.remove_suffix(1);
  return std::string(s);
}

}  // namespace cs
