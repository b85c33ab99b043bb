#include "ingest/transcript_parser.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

std::vector<TranscriptRecord> ParseOk(const std::string& line) {
  TranscriptParser p;
  std::vector<TranscriptRecord> out;
  std::string padded = line + std::string(simdjson::SIMDJSON_PADDING, ' ');
  std::string err;
  EXPECT_TRUE(p.Parse(std::string_view(padded.data(), line.size()), out, &err)) << err;
  return out;
}

std::string ParseError(const std::string& line) {
  TranscriptParser p;
  std::vector<TranscriptRecord> out;
  std::string padded = line + std::string(simdjson::SIMDJSON_PADDING, ' ');
  std::string err;
  EXPECT_FALSE(p.Parse(std::string_view(padded.data(), line.size()), out, &err));
  return err;
}

TEST(TranscriptParser, AssistantLineWithUsageAndToolUse) {
  auto r = ParseOk(R"({"parentUuid":"p1","isSidechain":false,"cwd":"/home/u/app","sessionId":"s1",
    "version":"2.1.39","gitBranch":"main","type":"assistant","uuid":"u1",
    "timestamp":"2026-02-12T16:02:29.111Z","requestId":"req_1",
    "message":{"model":"claude-opus-4-6","id":"msg_1","role":"assistant",
    "content":[{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"/home/u/app/a.cc"}}],
    "usage":{"input_tokens":3,"cache_creation_input_tokens":15005,"cache_read_input_tokens":11442,
      "cache_creation":{"ephemeral_5m_input_tokens":5,"ephemeral_1h_input_tokens":15000},
      "output_tokens":9,"server_tool_use":{"web_search_requests":2},"speed":"fast",
      "inference_geo":"us"}}})");
  ASSERT_EQ(r.size(), 1u);
  const auto& a = r[0];
  EXPECT_EQ(a.type, RecordType::kAssistant);
  EXPECT_EQ(a.kind, "response");
  EXPECT_EQ(a.message_id, "msg_1");
  EXPECT_EQ(a.request_id, "req_1");
  EXPECT_EQ(a.model, "claude-opus-4-6");
  EXPECT_EQ(a.session_id, "s1");
  EXPECT_EQ(a.cwd, "/home/u/app");
  EXPECT_EQ(*a.timestamp_ms, 1770912149111);
  ASSERT_TRUE(a.usage);
  EXPECT_EQ(a.usage->input_tokens, 3);
  EXPECT_EQ(a.usage->output_tokens, 9);
  EXPECT_EQ(a.usage->cache_read_tokens, 11442);
  EXPECT_EQ(a.usage->cache_write_5m_tokens, 5);
  EXPECT_EQ(a.usage->cache_write_1h_tokens, 15000);
  EXPECT_EQ(a.usage->web_search_requests, 2);
  EXPECT_TRUE(a.usage->fast);
  EXPECT_TRUE(a.usage->us_only);
  ASSERT_EQ(a.tool_uses.size(), 1u);
  EXPECT_EQ(a.tool_uses[0].id, "toolu_1");
  EXPECT_EQ(a.tool_uses[0].name, "Read");
  EXPECT_EQ(a.tool_uses[0].file_path, "/home/u/app/a.cc");
}

TEST(TranscriptParser, CacheWriteFallbacks) {
  // No TTL split: the total is a 5-minute write.
  auto r = ParseOk(R"({"type":"assistant","message":{"id":"m","model":"x","usage":{
    "input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":700}},"requestId":"r"})");
  EXPECT_EQ(r[0].usage->cache_write_5m_tokens, 700);
  EXPECT_EQ(r[0].usage->cache_write_1h_tokens, 0);
  // Total 0 beside a filled split (the pre-2.1.152 bug): the split counts.
  r = ParseOk(R"({"type":"assistant","message":{"id":"m","model":"x","usage":{
    "cache_creation_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,
    "ephemeral_1h_input_tokens":40}}},"requestId":"r"})");
  EXPECT_EQ(r[0].usage->cache_write_5m_tokens, 0);
  EXPECT_EQ(r[0].usage->cache_write_1h_tokens, 40);
}

TEST(TranscriptParser, SyntheticAndApiErrorLinesCarryNoUsage) {
  auto r = ParseOk(R"({"type":"assistant","uuid":"e1","isApiErrorMessage":true,
    "message":{"model":"<synthetic>","id":"x","content":[{"type":"text","text":"API Error: 529"}],
    "usage":{"input_tokens":0,"output_tokens":0}}})");
  EXPECT_EQ(r[0].kind, "api_error");
  EXPECT_FALSE(r[0].usage);
  r = ParseOk(R"({"type":"assistant","uuid":"e2","message":{"model":"<synthetic>","id":"y",
    "content":[{"type":"text","text":"No response requested."}]}})");
  EXPECT_EQ(r[0].kind, "api_error");
}

TEST(TranscriptParser, UserKinds) {
  auto kind = [](const std::string& line) { return ParseOk(line)[0].kind; };
  EXPECT_EQ(kind(R"({"type":"user","message":{"role":"user","content":"fix the bug"}})"), "prompt");
  EXPECT_EQ(kind(R"({"type":"user","isMeta":true,"message":{"content":"<system-reminder>x"}})"),
            "meta");
  EXPECT_EQ(kind(R"({"type":"user","message":{"content":"<command-name>/model</command-name>"}})"),
            "command");
  EXPECT_EQ(kind(R"({"type":"user","message":{"content":"[Request interrupted by user]"}})"),
            "interrupt");
  EXPECT_EQ(kind(R"({"type":"user","isCompactSummary":true,"message":{"content":"This session"}})"),
            "compact_summary");
  EXPECT_EQ(kind(R"({"type":"user","message":{"content":"<task-notification><task-id>1"}})"),
            "task_notification");
  EXPECT_EQ(kind(R"({"type":"user","message":{"content":[{"type":"text","text":"look"},
    {"type":"image","source":{}}]}})"),
            "prompt");
}

TEST(TranscriptParser, ToolResultsPairByIdWithStructuredOutput) {
  auto r = ParseOk(R"({"type":"user","uuid":"u2","message":{"role":"user","content":[
    {"tool_use_id":"toolu_9","type":"tool_result","content":"Exit code 1","is_error":true}]},
    "toolUseResult":{"stdout":"out","stderr":"boom","interrupted":false}})");
  ASSERT_EQ(r[0].tool_results.size(), 1u);
  const auto& t = r[0].tool_results[0];
  EXPECT_EQ(r[0].kind, "tool_result");
  EXPECT_EQ(t.tool_use_id, "toolu_9");
  EXPECT_TRUE(t.is_error);
  EXPECT_EQ(t.error, "Exit code 1");
  EXPECT_EQ(t.stdout_preview, "out");
  EXPECT_EQ(t.stderr_preview, "boom");
  // Absent is_error is a success; a Task result links its agent.
  r = ParseOk(R"({"type":"user","message":{"content":[{"tool_use_id":"toolu_8","type":"tool_result",
    "content":[{"type":"text","text":"done"}]}]},"toolUseResult":{"status":"completed",
    "agentId":"a2898e3","totalDurationMs":12000,"usage":{"input_tokens":5}}})");
  EXPECT_FALSE(r[0].tool_results[0].is_error);
  EXPECT_EQ(r[0].tool_results[0].agent_id, "a2898e3");
  EXPECT_EQ(*r[0].tool_results[0].duration_ms, 12000);
  EXPECT_EQ(r[0].tool_results[0].content_preview, "done");
}

TEST(TranscriptParser, TaskAndAgentInputs) {
  auto r = ParseOk(R"({"type":"assistant","message":{"id":"m","model":"x","content":[
    {"type":"tool_use","id":"t1","name":"Agent","input":{"description":"look","prompt":"p",
    "subagent_type":"Explore"}}]},"requestId":"r"})");
  EXPECT_EQ(r[0].tool_uses[0].subagent_type, "Explore");
  EXPECT_EQ(r[0].tool_uses[0].description, "look");
}

TEST(TranscriptParser, MetadataLines) {
  auto r = ParseOk(R"({"type":"summary","summary":"Fix login","leafUuid":"x"})");
  EXPECT_EQ(r[0].type, RecordType::kTitle);
  EXPECT_EQ(r[0].title_rank, 1);
  r = ParseOk(R"({"type":"ai-title","aiTitle":"AI title","sessionId":"s"})");
  EXPECT_EQ(r[0].title_rank, 2);
  r = ParseOk(R"({"type":"custom-title","customTitle":"Mine","sessionId":"s"})");
  EXPECT_EQ(r[0].title_rank, 3);
  EXPECT_EQ(r[0].title, "Mine");
  r = ParseOk(R"({"type":"system","subtype":"compact_boundary","uuid":"c1","parentUuid":null,
    "logicalParentUuid":"L","compactMetadata":{"trigger":"auto","preTokens":170251}})");
  EXPECT_EQ(r[0].type, RecordType::kSystem);
  EXPECT_EQ(r[0].kind, "compact_boundary");
  EXPECT_EQ(r[0].compact_trigger, "auto");
  EXPECT_EQ(*r[0].compact_pre_tokens, 170251);
  // Lines claudescope does not store parse fine and yield nothing.
  EXPECT_TRUE(ParseOk(R"({"type":"file-history-snapshot","messageId":"m","snapshot":{}})").empty());
  EXPECT_TRUE(ParseOk(R"({"type":"queue-operation","operation":"enqueue"})").empty());
  EXPECT_TRUE(ParseOk(R"({"type":"some-future-type","x":[1,{"y":2}]})").empty());
  EXPECT_TRUE(ParseOk(R"({"no_type":true})").empty());
}

TEST(TranscriptParser, AgentProgressEmbedsASubagentResponse) {
  auto r = ParseOk(R"({"type":"progress","sessionId":"s1","cwd":"/w","parentToolUseID":"toolu_X",
    "data":{"type":"agent_progress","agentId":"a2898e3","message":{"type":"assistant",
    "requestId":"req_9","message":{"id":"msg_9","model":"claude-haiku-4-5","usage":{
    "input_tokens":4,"output_tokens":50}}}}})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, RecordType::kAssistant);
  EXPECT_TRUE(r[0].is_sidechain);
  EXPECT_EQ(r[0].agent_id, "a2898e3");
  EXPECT_EQ(r[0].session_id, "s1");
  EXPECT_EQ(r[0].message_id, "msg_9");
  EXPECT_EQ(r[0].request_id, "req_9");
  EXPECT_EQ(r[0].usage->output_tokens, 50);
  // Other progress lines yield nothing.
  EXPECT_TRUE(ParseOk(R"({"type":"progress","data":{"type":"hook_progress"}})").empty());
}

TEST(TranscriptParser, LegacyCostUsd) {
  auto r = ParseOk(R"({"type":"assistant","costUSD":0.0123,"message":{"id":"m","model":"x"},
    "requestId":"r"})");
  EXPECT_DOUBLE_EQ(*r[0].legacy_cost_usd, 0.0123);
}

TEST(TranscriptParser, MalformedLinesAreRejectedWithAReason) {
  EXPECT_EQ(ParseError("   "), "blank line");
  EXPECT_EQ(ParseError("not json at all"), "not a JSON object");
  EXPECT_EQ(ParseError("[1,2,3]"), "not a JSON object");
  EXPECT_NE(ParseError(R"({"type":"user","message":)").find("invalid JSON"), std::string::npos);
  EXPECT_NE(ParseError(R"({"type":"assistant","message":{"id":"msg_trunc)").find("invalid JSON"),
            std::string::npos);
  EXPECT_EQ(ParseError(std::string("\x00\x01garbage", 9)), "not a JSON object");
}

TEST(TranscriptParser, FiftyMegabyteLine) {
  std::string big(50 << 20, 'x');
  std::string line = R"({"type":"user","uuid":"u","message":{"content":[{"tool_use_id":"t",)"
                     R"("type":"tool_result","content":")" +
                     big + R"("}]},"toolUseResult":{"stdout":")" + big + R"("}})";
  auto r = ParseOk(line);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].tool_results[0].content_preview.size(), kMaxPreview);
  EXPECT_EQ(r[0].tool_results[0].stdout_preview.size(), kMaxPreview);
}

TEST(TranscriptParser, TruncatesOnUtf8Boundaries) {
  std::string s = "aé€";  // 1 + 2 + 3 bytes
  TruncateUtf8(s, 4);
  EXPECT_EQ(s, "aé");
}

}  // namespace
}  // namespace cs
