// HtmlEscape: text made safe for HTML content and quoted attribute values (& < > " '), for
// the HTML export (untrusted transcript text) and the values the server writes into the
// dashboard's page. Pure, thread-safe, never throws (beyond allocation).
#pragma once
#include <string>
#include <string_view>

namespace cs {

std::string HtmlEscape(std::string_view s);

}  // namespace cs
