// Test-only: a ServerContext with no store and no config, for tests of the HTTP machinery
// (routing, connection handling) whose handlers never touch either.
#pragma once
#include <memory>
#include <string>

#include "server/http.h"

namespace cs::test {

class NullContext : public ServerContext {
 public:
  std::shared_ptr<Db> Reader() override { return nullptr; }
  void Write(const std::function<void(Db&)>&) override {}
  std::shared_ptr<const Config> config() override { return nullptr; }
  void ApplyConfig(const Config&) override {}
  const std::string& db_path() const override { return path_; }
  void Publish(const nlohmann::json&) override {}

 private:
  std::string path_;
};

}  // namespace cs::test
