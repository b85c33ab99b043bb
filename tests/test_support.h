// Helpers for the integration tests: temporary directories, running the generator and the
// real binary, and reading JSON files. Test-only code.
#pragma once
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

namespace cs::test {

inline std::string SourceDir() {
  return CS_SOURCE_DIR;
}
inline std::string Binary() {
  return CS_BINARY;
}

// A fresh directory under $TMPDIR, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cstest-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline int Run(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// Generates a transcript tree with the project's own generator; returns the truth document.
inline nlohmann::json Generate(const std::string& out, const std::string& args,
                               const std::string& generator = SourceDir() +
                                                              "/tests/data/gen_corpus.py") {
  std::string cmd = "python3 " + generator + " --out " + out + " --truth " + out + "/truth.json " +
                    args + " 2>/dev/null";
  EXPECT_EQ(Run(cmd), 0) << cmd;
  return ReadJson(out + "/truth.json");
}

}  // namespace cs::test
