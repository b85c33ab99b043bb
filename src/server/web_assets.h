// The dashboard's files, embedded at build time by cmake/embed_web.py.
// kWebAssets ends with an entry whose path is nullptr. The data is static and immutable.
#pragma once
#include <cstddef>

namespace cs {

struct WebAsset {
  const char* path;          // URL path, e.g. "/index.html", "/vendor/preact.js"
  const char* content_type;  // full Content-Type value
  const char* data;
  std::size_t size;
  const char* gzip_data;  // the same bytes gzip-compressed, or nullptr when that saves little
  std::size_t gzip_size;
  const char* etag;  // strong ETag of the content, quotes included
};

extern const WebAsset kWebAssets[];

}  // namespace cs
