#include "server/response_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cs {
namespace {

using namespace std::chrono_literals;

Response Body(const std::string& body, int status = 200) {
  Response r;
  r.status = status;
  r.body = body;
  return r;
}

// Runs spawned tasks only when the test says so, on the test's thread.
struct Spawner {
  std::vector<std::function<void()>> tasks;
  ResponseCache::Spawn fn() {
    return [this](std::function<void()> t) { tasks.push_back(std::move(t)); };
  }
  void RunAll() {
    auto now = std::move(tasks);
    tasks.clear();
    for (auto& t : now)
      t();
  }
};

TEST(ResponseCacheTest, CacheableRequestsAreApiGetsOnly) {
  Request r;
  r.method = "GET";
  r.path = "/api/stats";
  EXPECT_TRUE(ResponseCache::Cacheable(r));
  r.path = "/api/health";
  EXPECT_FALSE(ResponseCache::Cacheable(r));
  r.path = "/api/export";
  EXPECT_FALSE(ResponseCache::Cacheable(r));
  r.path = "/metrics";
  EXPECT_FALSE(ResponseCache::Cacheable(r));
  r.path = "/api/sessions/x";
  r.method = "PATCH";
  EXPECT_FALSE(ResponseCache::Cacheable(r));
  r.method = "HEAD";
  EXPECT_FALSE(ResponseCache::Cacheable(r));
}

TEST(ResponseCacheTest, KeysTellQueriesApart) {
  Request a, b;
  a.method = b.method = "GET";
  a.path = b.path = "/api/stats";
  a.query = {{"from", "2026-01-01"}, {"to", "2026-01-02"}};
  b.query = {{"from", "2026-01-01&to=2026-01-02"}};
  EXPECT_NE(ResponseCache::KeyOf(a), ResponseCache::KeyOf(b));
  b.query = a.query;
  EXPECT_EQ(ResponseCache::KeyOf(a), ResponseCache::KeyOf(b));
}

TEST(ResponseCacheTest, SameVersionIsAnsweredFromMemoryANewVersionIsComputed) {
  ResponseCache cache;
  Spawner sp;
  int calls = 0;
  auto compute = [&] { return Body("v" + std::to_string(++calls)); };
  EXPECT_EQ(cache.Get("k", 1, compute, sp.fn()).body, "v1");
  EXPECT_EQ(cache.Get("k", 1, compute, sp.fn()).body, "v1");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(cache.Get("k", 2, compute, sp.fn()).body, "v2");
  EXPECT_EQ(cache.Get("other", 2, compute, sp.fn()).body, "v3");
  EXPECT_EQ(cache.Get("k", 2, compute, sp.fn()).body, "v2");
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(sp.tasks.empty());
}

TEST(ResponseCacheTest, ErrorsAndNon200AnswersAreNotKept) {
  ResponseCache cache;
  Spawner sp;
  int calls = 0;
  auto bad = [&] {
    ++calls;
    return Body("{\"error\":\"x\"}", 400);
  };
  EXPECT_EQ(cache.Get("k", 1, bad, sp.fn()).status, 400);
  EXPECT_EQ(cache.Get("k", 1, bad, sp.fn()).status, 400);
  EXPECT_EQ(calls, 2);
  auto throws = [&]() -> Response { throw std::runtime_error("boom"); };
  EXPECT_THROW(cache.Get("t", 1, throws, sp.fn()), std::runtime_error);
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ResponseCacheTest, ConcurrentRequestsShareOneComputation) {
  ResponseCache cache;
  std::atomic<int> calls{0};
  std::atomic<bool> release{false};
  auto slow = [&] {
    ++calls;
    while (!release)
      std::this_thread::sleep_for(1ms);
    return Body("done");
  };
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (cache.Get("k", 1, slow, [](std::function<void()>) {}).body == "done") ++ok;
    });
  }
  std::this_thread::sleep_for(50ms);
  release = true;
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(calls, 1);
}

TEST(ResponseCacheTest, StaleAnswersAreServedWhileOneRefreshRunsInTheBackground) {
  ResponseCache cache({.fresh = 0ms, .max_stale = 10s});
  Spawner sp;
  int calls = 0;
  auto compute = [&] { return Body("v" + std::to_string(++calls)); };
  EXPECT_EQ(cache.Get("k", 1, compute, sp.fn()).body, "v1");
  EXPECT_EQ(cache.Get("k", 1, compute, sp.fn()).body, "v1");  // stale: answered, refresh queued
  EXPECT_EQ(cache.Get("k", 1, compute, sp.fn()).body, "v1");  // one refresh at a time
  ASSERT_EQ(sp.tasks.size(), 1u);
  sp.RunAll();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.Get("k", 1, compute, sp.fn()).body, "v2");
}

TEST(ResponseCacheTest, PastMaxStaleTheAnswerIsComputedBeforeAnswering) {
  ResponseCache cache({.fresh = 0ms, .max_stale = 0ms});
  Spawner sp;
  int calls = 0;
  auto compute = [&] { return Body("v" + std::to_string(++calls)); };
  EXPECT_EQ(cache.Get("k", 1, compute, sp.fn()).body, "v1");
  EXPECT_EQ(cache.Get("k", 1, compute, sp.fn()).body, "v2");
  EXPECT_TRUE(sp.tasks.empty());
}

TEST(ResponseCacheTest, ARefreshNeverReplacesANewerAnswer) {
  ResponseCache cache({.fresh = 0ms, .max_stale = 10s});
  Spawner sp;
  EXPECT_EQ(cache
                .Get(
                    "k", 1, [] { return Body("old"); }, sp.fn())
                .body,
            "old");
  cache.Get(
      "k", 1, [] { return Body("refreshed-old"); }, sp.fn());  // queues a refresh at 1
  EXPECT_EQ(cache
                .Get(
                    "k", 2, [] { return Body("new"); }, sp.fn())
                .body,
            "new");
  sp.RunAll();
  EXPECT_EQ(cache
                .Get(
                    "k", 2, [] { return Body("x"); }, sp.fn())
                .body,
            "new");
}

TEST(ResponseCacheTest, BodiesStayWithinTheByteBudgetLeastRecentlyUsedFirst) {
  ResponseCache cache({.max_bytes = 250, .max_entry_bytes = 120});
  Spawner sp;
  int calls = 0;
  auto hundred = [&] {
    ++calls;
    return Body(std::string(100, 'x'));
  };
  cache.Get("a", 1, hundred, sp.fn());
  cache.Get("b", 1, hundred, sp.fn());
  cache.Get("a", 1, hundred, sp.fn());  // a is now the most recent
  cache.Get("c", 1, hundred, sp.fn());  // over budget: b goes
  EXPECT_EQ(calls, 3);
  EXPECT_LE(cache.bytes(), 250u);
  cache.Get("a", 1, hundred, sp.fn());
  EXPECT_EQ(calls, 3);
  cache.Get("b", 1, hundred, sp.fn());
  EXPECT_EQ(calls, 4);
  cache.Get(
      "big", 1, [] { return Body(std::string(200, 'y')); }, sp.fn());
  EXPECT_LE(cache.bytes(), 250u);  // too big to keep at all
}

}  // namespace
}  // namespace cs
