#include "server/ws_hub.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace cs {
namespace {

using nlohmann::json;

TEST(WsHub, Utf8PrefixNeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("abcdef", 3), "abc");
  EXPECT_EQ(Utf8Prefix("abc", 10), "abc");
  EXPECT_EQ(Utf8Prefix("", 0), "");
  // "é" is C3 A9: a cut after C3 backs up before it.
  EXPECT_EQ(Utf8Prefix("a\xC3\xA9z", 2), "a");
  EXPECT_EQ(Utf8Prefix("a\xC3\xA9z", 3), "a\xC3\xA9");
  // "€" is E2 82 AC; "😀" is F0 9F 98 80.
  std::string s = "\xE2\x82\xAC\xF0\x9F\x98\x80";
  EXPECT_EQ(Utf8Prefix(s, 1), "");
  EXPECT_EQ(Utf8Prefix(s, 2), "");
  EXPECT_EQ(Utf8Prefix(s, 3), "\xE2\x82\xAC");
  EXPECT_EQ(Utf8Prefix(s, 4), "\xE2\x82\xAC");
  EXPECT_EQ(Utf8Prefix(s, 6), "\xE2\x82\xAC");
  EXPECT_EQ(Utf8Prefix(s, 7), s);
}

TEST(WsHub, TruncateStringsIsRecursive) {
  std::string big(100, 'x');
  json j = {{"a", big},
            {"short", "ok"},
            {"nested", {{"deep", {{"deeper", big}}}, {"list", json::array({big, 1, "y"})}}},
            {"n", 5}};
  EXPECT_TRUE(TruncateStrings(j, 10));
  EXPECT_EQ(j["a"], std::string(10, 'x'));
  EXPECT_EQ(j["short"], "ok");
  EXPECT_EQ(j["nested"]["deep"]["deeper"], std::string(10, 'x'));
  EXPECT_EQ(j["nested"]["list"][0], std::string(10, 'x'));
  EXPECT_EQ(j["nested"]["list"][1], 1);
  EXPECT_EQ(j["nested"]["list"][2], "y");
  EXPECT_EQ(j["n"], 5);
  EXPECT_FALSE(TruncateStrings(j, 10));  // already short enough
  json k = {{"a", big}};
  EXPECT_FALSE(TruncateStrings(k, 0));  // 0: no limit
}

TEST(WsHub, PrepareEventCutsOnUtf8BoundaryAndMarksTruncated) {
  std::string euros;
  for (int i = 0; i < 100; ++i)
    euros += "\xE2\x82\xAC";  // 300 bytes
  json in = {{"hook_event_name", "PostToolUse"},
             {"session_id", "s1"},
             {"tool_response", {{"stdout", euros}}}};
  json out = PrepareEvent(in, 64, 0);
  EXPECT_EQ(out["truncated"], true);
  std::string cut = out["tool_response"]["stdout"];
  EXPECT_EQ(cut.size(), 63u);  // 21 whole characters
  EXPECT_EQ(cut, euros.substr(0, 63));
  // Still valid UTF-8: dumping with the strict handler does not throw.
  EXPECT_NO_THROW((void)out.dump());
  EXPECT_EQ(out["hook_event_name"], "PostToolUse");
  EXPECT_EQ(out["session_id"], "s1");
}

TEST(WsHub, PrepareEventAddsTimestampAndName) {
  int64_t now = *ParseTimestamp("2026-10-01T14:03:07.512Z");
  json out = PrepareEvent(json{{"type", "SessionUpdate"}, {"id", "abc"}}, 4096, now);
  EXPECT_EQ(out["hook_event_name"], "SessionUpdate");
  EXPECT_EQ(out["timestamp"], "2026-10-01T14:03:07.512Z");
  EXPECT_FALSE(out.contains("truncated"));
  EXPECT_FALSE(out.contains("session_id"));

  // An existing timestamp is kept; a missing name becomes "Unknown".
  out = PrepareEvent(json{{"timestamp", "2020-01-01T00:00:00.000Z"}}, 4096, now);
  EXPECT_EQ(out["timestamp"], "2020-01-01T00:00:00.000Z");
  EXPECT_EQ(out["hook_event_name"], "Unknown");

  // Not an object: wrapped.
  out = PrepareEvent(json::array({1, 2}), 4096, now);
  EXPECT_EQ(out["data"], json::array({1, 2}));
  EXPECT_EQ(out["hook_event_name"], "Unknown");

  // A null session_id is dropped.
  out = PrepareEvent(json{{"hook_event_name", "X"}, {"session_id", nullptr}}, 4096, now);
  EXPECT_FALSE(out.contains("session_id"));
}

TEST(WsHub, PrepareEventKeepsIdentifyingFieldsWhole) {
  std::string long_id(200, 's');
  json out = PrepareEvent(json{{"hook_event_name", "Stop"}, {"session_id", long_id}}, 64, 0);
  EXPECT_EQ(out["session_id"], long_id);
  EXPECT_FALSE(out.contains("truncated"));
}

TEST(WsHub, FilterFromQuery) {
  Request r;
  WsFilter all = WsFilter::FromQuery(r);
  EXPECT_TRUE(all.Matches("PreToolUse", "s1"));
  EXPECT_TRUE(all.Matches("BudgetWarning", ""));

  r.query["events"] = "PreToolUse, PostToolUse,,";
  WsFilter ev = WsFilter::FromQuery(r);
  EXPECT_EQ(ev.events, (std::set<std::string>{"PreToolUse", "PostToolUse"}));
  EXPECT_TRUE(ev.Matches("PreToolUse", "s1"));
  EXPECT_TRUE(ev.Matches("PostToolUse", ""));
  EXPECT_FALSE(ev.Matches("Stop", "s1"));

  r.query["session_id"] = "s1";
  WsFilter both = WsFilter::FromQuery(r);
  EXPECT_TRUE(both.Matches("PreToolUse", "s1"));
  EXPECT_FALSE(both.Matches("PreToolUse", "s2"));
  EXPECT_FALSE(both.Matches("PreToolUse", ""));
  EXPECT_FALSE(both.Matches("Stop", "s1"));

  r.query.erase("events");
  WsFilter sid = WsFilter::FromQuery(r);
  EXPECT_TRUE(sid.Matches("Stop", "s1"));
  EXPECT_FALSE(sid.Matches("Stop", "s2"));
}

TEST(WsHub, BroadcastAndStopWithoutClients) {
  WsHub hub;
  hub.Broadcast(json{{"hook_event_name", "Stop"}});
  EXPECT_EQ(hub.client_count(), 0u);
  hub.Stop();
  hub.Stop();
  hub.Broadcast(json{{"hook_event_name", "Stop"}});
}

}  // namespace
}  // namespace cs
