#include "server/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "server/http_util.h"
#include "server/router.h"
#include "server/test_context.h"

namespace cs {
namespace {

using namespace std::chrono_literals;

using test::NullContext;

int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

void Send(int fd, const std::string& s) {
  ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size()));
}

// Reads until the peer closes or `timeout` passes.
std::string ReadAll(int fd, std::chrono::milliseconds timeout = 5s) {
  std::string out;
  auto end = std::chrono::steady_clock::now() + timeout;
  char buf[8192];
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, size_t(n));
  }
  return out;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions opt = {}) {
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.io_threads = 1;
    opt.worker_threads = 2;
    server_ = std::make_unique<HttpServer>(opt, router_, ctx_);
    server_->Start();
  }
  std::string Get(const std::string& path) {
    int fd = Connect(server_->port());
    Send(fd, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    std::string r = ReadAll(fd);
    ::close(fd);
    return r;
  }

  Router router_;
  NullContext ctx_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, StreamsChunked) {
  router_.Add("GET", "/api/stream", [](const Request&, ServerContext&) {
    Response r;
    r.content_type = "text/plain";
    r.stream = [](const Response::ChunkWriter& w) {
      w("abc");
      w("");
      w("defg");
    };
    return r;
  });
  Start();
  std::string r = Get("/api/stream");
  EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos) << r;
  EXPECT_NE(r.find("Transfer-Encoding: chunked"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"), std::string::npos) << r;
}

TEST_F(HttpServerTest, StreamStopsWhenTheClientGoes) {
  std::atomic<bool> finished{false};
  std::atomic<int> chunks{0};
  router_.Add("GET", "/api/stream", [&](const Request&, ServerContext&) {
    Response r;
    r.stream = [&](const Response::ChunkWriter& w) {
      std::string block(64 * 1024, 'x');
      while (w(block) && chunks < 100000)
        ++chunks;
      finished = true;
    };
    return r;
  });
  Start();
  int fd = Connect(server_->port());
  Send(fd, "GET /api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n");
  char buf[4096];
  ASSERT_GT(::recv(fd, buf, sizeof buf, 0), 0);
  ::close(fd);
  for (int i = 0; i < 100 && !finished; ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(finished);
  EXPECT_LT(chunks, 100000);
}

TEST_F(HttpServerTest, StopLetsInFlightRequestsFinish) {
  std::atomic<bool> entered{false};
  router_.Add("GET", "/api/slow", [&](const Request&, ServerContext&) {
    entered = true;
    std::this_thread::sleep_for(400ms);
    return Response::Json({{"done", true}});
  });
  Start();
  int fd = Connect(server_->port());
  Send(fd, "GET /api/slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
  // Stop only once the request is in flight (a fixed wait was a guess on a loaded machine).
  for (int i = 0; i < 1000 && !entered; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(entered);
  std::thread stopper([&] { server_->Stop(); });
  std::string r = ReadAll(fd);
  stopper.join();
  ::close(fd);
  EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos) << r;
  EXPECT_NE(r.find("{\"done\":true}"), std::string::npos) << r;
  EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
}

TEST_F(HttpServerTest, RefusesConnectionsBeyondTheCap) {
  HttpServerOptions opt;
  opt.max_connections = 1;
  Start(opt);
  int first = Connect(server_->port());
  // An answer on the first connection proves the server accepted it (and counts it).
  Send(first, "GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n");
  pollfd p{first, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10000), 1);
  char buf[4096];
  ASSERT_GT(::recv(first, buf, sizeof buf, 0), 0);
  int second = Connect(server_->port());
  std::string r = ReadAll(second, 2s);
  EXPECT_NE(r.find("503"), std::string::npos) << r;
  ::close(second);
  ::close(first);
}

TEST_F(HttpServerTest, HeadAndStaticFallback) {
  Start();
  std::string r = Get("/some/client/route");
  EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos) << r;
  EXPECT_NE(r.find("Content-Security-Policy: default-src 'self'"), std::string::npos) << r;
  int fd = Connect(server_->port());
  Send(fd, "HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  std::string h = ReadAll(fd);
  ::close(fd);
  EXPECT_NE(h.find("HTTP/1.1 200"), std::string::npos) << h;
  EXPECT_EQ(h.substr(h.find("\r\n\r\n") + 4), "");
}

TEST(HttpUtilTest, AcceptsGzip) {
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("deflate , gzip"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000, br"));
  EXPECT_FALSE(AcceptsGzip("x-gzip2"));
}

TEST_F(HttpServerTest, StaticFilesGoCompressedWhenAcceptedAndRevalidateByETag) {
  Start();
  auto get = [&](const std::string& headers) {
    int fd = Connect(server_->port());
    Send(fd, "GET /vendor/preact.js HTTP/1.1\r\nHost: localhost\r\n" + headers +
                 "Connection: close\r\n\r\n");
    std::string r = ReadAll(fd);
    ::close(fd);
    return r;
  };
  auto header = [](const std::string& r, const std::string& name) {
    auto p = r.find("\r\n" + name + ": ");
    if (p == std::string::npos) return std::string();
    p += name.size() + 4;
    return r.substr(p, r.find("\r\n", p) - p);
  };
  auto body = [](const std::string& r) { return r.substr(r.find("\r\n\r\n") + 4); };

  std::string plain = get("");
  ASSERT_NE(plain.find("HTTP/1.1 200"), std::string::npos) << plain.substr(0, 300);
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_NE(body(plain).find("preact"), std::string::npos);
  std::string etag = header(plain, "ETag");
  ASSERT_EQ(etag.size(), 22u) << etag;  // 20 hex digits in quotes

  std::string gz = get("Accept-Encoding: gzip, br\r\n");
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(gz, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(gz, "ETag"), etag);
  std::string zbody = body(gz);
  ASSERT_GE(zbody.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(zbody[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(zbody[1]), 0x8b);
  EXPECT_LT(zbody.size() * 2, body(plain).size());

  std::string again = get("If-None-Match: " + etag + "\r\n");
  EXPECT_NE(again.find("HTTP/1.1 304"), std::string::npos) << again.substr(0, 300);
  EXPECT_EQ(body(again), "");
  std::string other = get("If-None-Match: \"nope\"\r\n");
  EXPECT_NE(other.find("HTTP/1.1 200"), std::string::npos);
}

TEST(HttpUtilTest, ThePageNamesTheConfiguredTimeZoneAndItsETagFollowsIt) {
  auto get = [](const std::string& path, const std::string& zone, const std::string& etag = "") {
    Request req;
    req.method = "GET";
    req.path = path;
    req.headers["accept-encoding"] = "gzip";
    if (!etag.empty()) req.headers["if-none-match"] = etag;
    return ServeStatic(req, GuardPolicy{}, zone);
  };
  auto etag_of = [](const Response& r) {
    for (const auto& [k, v] : r.headers)
      if (k == "ETag") return v;
    return std::string();
  };
  // Every client route gets the page, with the zone in its meta element (and sent as is).
  Response paris = get("/sessions/abc", "Europe/Paris");
  ASSERT_EQ(paris.status, 200);
  EXPECT_NE(paris.body.find(R"(<meta name="claudescope-timezone" content="Europe/Paris">)"),
            std::string::npos)
      << paris.body;
  EXPECT_EQ(paris.body.find(std::string(kIndexTimeZoneMeta)), std::string::npos);
  for (const auto& [k, v] : paris.headers)
    EXPECT_NE(k, "Content-Encoding");
  // A value that would leave the attribute is escaped.
  Response odd = get("/", "a\"><script>x</script>&'");
  EXPECT_NE(odd.body.find(R"(content="a&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;&#39;")"),
            std::string::npos)
      << odd.body;
  // Another zone is another page: the browser's copy of the first is not reused.
  Response local = get("/", "local");
  EXPECT_NE(local.body.find(R"(content="local")"), std::string::npos);
  ASSERT_FALSE(etag_of(paris).empty());
  EXPECT_NE(etag_of(paris), etag_of(local));
  EXPECT_EQ(get("/", "Europe/Paris", etag_of(paris)).status, 304);
  EXPECT_EQ(get("/", "local", etag_of(paris)).status, 200);
}

}  // namespace
}  // namespace cs
