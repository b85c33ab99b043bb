#include "report/export.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/config.h"
#include "core/html.h"
#include "ingest/ingestor.h"
#include "report/export_import.h"
#include "store/test_seed.h"

// Seed rows use designated initializers that leave the other fields at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace cs {
namespace {

namespace fs = std::filesystem;

using test::kT0;
const char* const kNasty =
    "<script>alert(\"x\")</script>, \"quoted\"\nnew line \xC3\xA9t\xC3\xA9 \xE2\x9C\x93";

std::string Capture(Db& db, ExportFormat f, const ExportFilter& filter = {}) {
  std::string out;
  EXPECT_TRUE(WriteExport(db, f, filter, kT0, [&](std::string_view c) {
    out.append(c);
    return true;
  }));
  return out;
}

std::string Lower(std::string s) {
  for (auto& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed.Session({.id = "s1",
                  .started_at = kT0,
                  .last_activity_at = kT0 + 60000,
                  .cost = 1.25,
                  .tool_calls = 1,
                  .custom_title = std::string("Title ") + kNasty});
    seed.Session({.id = "s2",
                  .project_path = "/work/beta",
                  .project_name = "beta",
                  .started_at = kT0 + 3600000,
                  .last_activity_at = kT0 + 3660000});
    seed.Message({.id = "u1", .session_id = "s1", .text = kNasty, .timestamp = kT0});
    seed.Message({.id = "a1",
                  .session_id = "s1",
                  .type = "assistant",
                  .kind = "response",
                  .model = "claude-sonnet-4-5",
                  .text = "ok",
                  .timestamp = kT0 + 1000,
                  .input = 10,
                  .output = 20,
                  .cost = 1.25});
    seed.ToolCall({.id = "t1",
                   .session_id = "s1",
                   .input = std::string(R"({"command":"echo \"<b>\", x"})"),
                   .success = 0,
                   .timestamp = kT0 + 2000});
    seed.Exec("UPDATE tool_calls SET error = '<img src=x onerror=alert(1)>' WHERE id = 't1'");
    seed.Rollup("s1", "claude-sonnet-4-5", kT0 / 900000 * 900000);
    seed.Exec("UPDATE usage_rollup SET cost_usd = 1.25");
    seed.Message(
        {.id = "u2", .session_id = "s2", .text = "beta prompt", .timestamp = kT0 + 3600000});
  }
  test::SeedStore seed;
};

TEST(ExportText, HtmlEscapeAndCsvField) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  EXPECT_EQ(CsvField("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(CsvField(""), "");
}

TEST(ExportText, FormatsAndNames) {
  EXPECT_EQ(ParseExportFormat("csv"), ExportFormat::kCsv);
  EXPECT_FALSE(ParseExportFormat("xml"));
  EXPECT_EQ(ExportFileName(ExportFormat::kCsv, *ParseTimestamp("2026-10-01T14:03:07.512Z")),
            "claudescope-export-20261001-140307.zip");
  EXPECT_STREQ(ExportContentType(ExportFormat::kHtml), "text/html; charset=utf-8");
}

TEST_F(ExportTest, HtmlIsSelfContainedAndEscaped) {
  std::string html = Capture(seed.db(), ExportFormat::kHtml);
  EXPECT_EQ(Lower(html).find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""),
            std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("claude-sonnet-4-5"), std::string::npos);
  EXPECT_NE(html.find("/work/beta"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // nothing remote
}

TEST_F(ExportTest, JsonDocumentAndFilters) {
  auto doc = nlohmann::json::parse(Capture(seed.db(), ExportFormat::kJson));
  EXPECT_EQ(doc["exported_at"], FormatTimestamp(kT0));
  ASSERT_EQ(doc["sessions"].size(), 2u);
  const auto& s1 = doc["sessions"][0];
  EXPECT_EQ(s1["session"]["id"], "s1");
  EXPECT_DOUBLE_EQ(s1["session"]["estimated_cost_usd"].get<double>(), 1.25);
  ASSERT_EQ(s1["messages"].size(), 2u);
  EXPECT_EQ(s1["messages"][0]["content_text"], kNasty);
  const auto& a1 = s1["messages"][1];
  for (const char* k : {"id", "session_id", "parent_id", "type", "kind", "model", "content_text",
                        "timestamp", "is_sidechain", "agent_id", "request_id", "input_tokens",
                        "output_tokens", "cache_read_tokens", "cache_write_tokens",
                        "cache_write_5m_tokens", "cache_write_1h_tokens", "cost_usd"}) {
    EXPECT_TRUE(a1.contains(k)) << k;
  }
  ASSERT_EQ(s1["tool_calls"].size(), 1u);
  EXPECT_EQ(s1["tool_calls"][0]["input"]["command"], "echo \"<b>\", x");
  EXPECT_EQ(s1["tool_calls"][0]["success"], false);
  EXPECT_TRUE(s1["subagents"].is_array());

  ExportFilter only_beta;
  only_beta.project = "beta";
  doc = nlohmann::json::parse(Capture(seed.db(), ExportFormat::kJson, only_beta));
  ASSERT_EQ(doc["sessions"].size(), 1u);
  EXPECT_EQ(doc["sessions"][0]["session"]["id"], "s2");
  EXPECT_EQ(doc["filters"]["project"], "beta");
  ExportFilter by_id;
  by_id.session_id = "s1";
  by_id.from_ms = kT0;
  doc = nlohmann::json::parse(Capture(seed.db(), ExportFormat::kJson, by_id));
  ASSERT_EQ(doc["sessions"].size(), 1u);
  ExportFilter late;
  late.from_ms = kT0 + 3600000;
  doc = nlohmann::json::parse(Capture(seed.db(), ExportFormat::kJson, late));
  ASSERT_EQ(doc["sessions"].size(), 1u);
  EXPECT_EQ(doc["sessions"][0]["session"]["id"], "s2");
}

TEST_F(ExportTest, StreamsInBoundedChunksAndStopsWhenTheClientLeaves) {
  // Text that does not compress away, so that the ZIP too is several chunks long.
  uint32_t state = 12345;
  for (int i = 0; i < 400; ++i) {
    std::string text(2000, ' ');
    for (auto& c : text) {
      state = state * 1103515245 + 12345;
      c = char('a' + (state >> 16) % 26);
    }
    seed.Message({.id = "m" + std::to_string(i),
                  .session_id = "s2",
                  .text = text,
                  .timestamp = kT0 + 3600000 + i});
  }
  for (ExportFormat f : {ExportFormat::kJson, ExportFormat::kHtml, ExportFormat::kCsv}) {
    int chunks = 0;
    size_t largest = 0, total = 0;
    ASSERT_TRUE(WriteExport(seed.db(), f, {}, kT0, [&](std::string_view c) {
      ++chunks;
      largest = std::max(largest, c.size());
      total += c.size();
      return true;
    }));
    if (f != ExportFormat::kHtml) {
      EXPECT_GT(chunks, 1) << ExportFormatName(f);
    }
    EXPECT_LT(largest, 2 * kExportChunkBytes + 8192) << ExportFormatName(f);
    EXPECT_GT(total, 0u);
    int calls = 0;
    EXPECT_FALSE(WriteExport(seed.db(), f, {}, kT0, [&](std::string_view) {
      ++calls;
      return false;
    }));
    EXPECT_EQ(calls, 1) << ExportFormatName(f);
  }
}

fs::path TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "csexport-XXXXXX").string();
  return ::mkdtemp(tmpl.data());
}

std::string RunPython(const std::string& script, const std::string& arg) {
  fs::path dir = TempDir();
  std::ofstream(dir / "check.py") << script;
  std::string cmd = "python3 " + (dir / "check.py").string() + " '" + arg + "' 2>&1";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
      out.append(buf, n);
    ::pclose(p);
  }
  fs::remove_all(dir);
  return out;
}

TEST_F(ExportTest, CsvZipReadsBackWithPythonsCsvModule) {
  fs::path dir = TempDir();
  std::string zip_path = (dir / "export.zip").string();
  {
    std::ofstream f(zip_path, std::ios::binary);
    f << Capture(seed.db(), ExportFormat::kCsv);
  }
  const char* script = R"PY(
import csv, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
out = {"names": sorted(z.namelist())}
for name in ["sessions.csv", "messages.csv", "tool_calls.csv"]:
    rows = list(csv.DictReader(io.TextIOWrapper(z.open(name), encoding="utf-8", newline="")))
    out[name] = rows
print(json.dumps(out))
)PY";
  std::string text = RunPython(script, zip_path);
  fs::remove_all(dir);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << text;
  EXPECT_EQ(doc["names"],
            nlohmann::json::array({"messages.csv", "sessions.csv", "tool_calls.csv"}));
  ASSERT_EQ(doc["sessions.csv"].size(), 2u);
  EXPECT_EQ(doc["sessions.csv"][0]["title"], std::string("Title ") + kNasty);
  EXPECT_EQ(doc["sessions.csv"][0]["estimated_cost_usd"], "1.25");
  ASSERT_EQ(doc["messages.csv"].size(), 3u);
  EXPECT_EQ(doc["messages.csv"][0]["content_text"], kNasty);
  EXPECT_EQ(doc["messages.csv"][1]["output_tokens"], "20");
  ASSERT_EQ(doc["tool_calls.csv"].size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(doc["tool_calls.csv"][0]["input"].get<std::string>())["command"],
            "echo \"<b>\", x");
  EXPECT_EQ(doc["tool_calls.csv"][0]["success"], "false");
}

// The round trip: generated transcripts -> store A -> JSON export -> store B gives the same
// session totals, rollups and subagent totals.
TEST(ExportRoundTrip, JsonExportReimportsToTheSameTotals) {
  fs::path dir = TempDir();
  fs::path generator = fs::path(__FILE__).parent_path() / "../../tests/data/gen_corpus.py";
  std::string cmd = "python3 " + generator.string() + " --out " + (dir / "corpus").string() +
                    " --sessions 15 --seed 3 >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Config cfg = Config::Defaults();
  auto a = OpenStore((dir / "a.db").string());
  {
    Ingestor ingestor(*a, &cfg.prices);
    ingestor.IngestTree({(dir / "corpus" / "projects").string()});
  }
  std::string export_path = (dir / "export.json").string();
  {
    std::ofstream f(export_path, std::ios::binary);
    ASSERT_TRUE(WriteExport(*a, ExportFormat::kJson, {}, kT0, [&](std::string_view c) {
      f.write(c.data(), std::streamsize(c.size()));
      return bool(f);
    }));
  }
  auto b = OpenStore((dir / "b.db").string());
  ExportImportStats st = ImportJsonExport(*b, export_path, &cfg.prices);
  EXPECT_EQ(st.sessions, 15);
  for (const auto& w : st.warnings)
    ADD_FAILURE() << w;
  // Importing the same file again changes nothing.
  ImportJsonExport(*b, export_path, &cfg.prices);

  // Rows as text, except REAL columns, which are compared within 1e-9: costs are sums, and the
  // export's re-import adds them in another order (or with SQLite's compensated sum()), so the
  // last bits may differ; costs are often exact half-millionths, where any %.6f rounding flips.
  struct Dump {
    std::string text;
    std::vector<double> reals;
  };
  auto dump = [](Db& db, const std::string& sql) {
    Dump d;
    std::ostringstream out;
    Stmt q(db, sql);
    while (q.Step()) {
      for (int i = 0; i < q.Columns(); ++i) {
        if (q.IsNull(i)) {
          out << "NULL";
        } else if (q.IsReal(i)) {
          d.reals.push_back(q.Real(i));
          out << 'R';
        } else {
          out << q.Text(i);
        }
        out << '|';
      }
      out << '\n';
    }
    d.text = out.str();
    return d;
  };
  auto expect_same = [&](const std::string& sql) {
    Dump da = dump(*a, sql), db = dump(*b, sql);
    EXPECT_EQ(da.text, db.text) << sql;
    ASSERT_EQ(da.reals.size(), db.reals.size()) << sql;
    for (size_t i = 0; i < da.reals.size(); ++i)
      EXPECT_NEAR(da.reals[i], db.reals[i], 1e-9) << sql << " value " << i;
  };
  const std::string sessions =
      "SELECT id, project_path, project_name, cwd, git_branch, first_prompt, started_at, "
      "last_activity_at, claude_version, message_count, assistant_messages, user_prompt_count, "
      "tool_call_count, tool_error_count, subagent_count, compaction_count, api_error_count, "
      "input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, "
      "cache_write_1h_tokens, cost_usd, unpriced_messages, custom_title, ai_title, "
      "summary_title FROM sessions "
      "ORDER BY id";
  expect_same(sessions);
  const std::string rollup =
      "SELECT bucket, session_id, model, project_path, messages, assistant_messages, "
      "user_prompts, tool_calls, tool_errors, input_tokens, output_tokens, cache_read_tokens, "
      "cache_write_5m_tokens, cache_write_1h_tokens, cost_usd FROM usage_rollup "
      "WHERE messages != 0 OR tool_calls != 0 OR tool_errors != 0 "
      "ORDER BY bucket, session_id, model";
  expect_same(rollup);
  const std::string subagents =
      "SELECT session_id, id, tool_use_id, agent_type, description, started_at, ended_at, "
      "message_count, tool_call_count, input_tokens, output_tokens, cache_read_tokens, "
      "cache_write_tokens, cost_usd FROM subagents ORDER BY session_id, id";
  expect_same(subagents);
  const std::string tools =
      "SELECT id, session_id, message_id, tool_name, file_path, success, error, duration_ms, "
      "timestamp, result_at, is_sidechain, agent_id, input, stdout_preview, stderr_preview "
      "FROM tool_calls ORDER BY id";
  expect_same(tools);
  const std::string messages =
      "SELECT id, session_id, type, kind, model, content_text, timestamp, is_sidechain, "
      "agent_id, request_id, input_tokens, output_tokens, cache_read_tokens, "
      "cache_write_5m_tokens, cache_write_1h_tokens, cost_usd FROM messages "
      "ORDER BY session_id, id, timestamp";
  expect_same(messages);
  a.reset();
  b.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cs
