// RequestError: a fault in what a caller asked for (bad parameter, unknown id, conflict),
// as opposed to an internal fault. Thrown by query code and parameter parsing; the HTTP
// router answers it as {"error": message, "field": field} with `status`, the CLI prints it.
#pragma once
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cs {

class RequestError : public std::runtime_error {
 public:
  RequestError(int status, std::string message, std::string field = "")
      : std::runtime_error(message), status_(status), field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& field() const { return field_; }

  static RequestError BadParam(const std::string& field, const std::string& message) {
    return RequestError(400, message, field);
  }
  static RequestError NotFound(const std::string& message) { return RequestError(404, message); }

 private:
  int status_;
  std::string field_;
};

// "<what>: <strerror(errno)>", for a system call that just failed.
inline std::string ErrnoText(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace cs
