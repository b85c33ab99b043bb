// The Beast side of HttpServer: accept loop, per-connection sessions, streaming, shutdown.
// Everything transport-independent lives in guard.cc and http_util.cc.
#include <utility>  // before asio (Boost 1.74)

#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "server/http_util.h"
#include "server/metrics.h"
#include "server/response_cache.h"
#include "server/router.h"
#include "server/ws_upgrade.h"

namespace cs {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 32 * 1024;
// After refusing a request whose body was not read, keep reading (and dropping) for a while so
// the client sees the answer instead of a connection reset.
constexpr auto kLingerTime = std::chrono::seconds(2);

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view SV(beast::string_view s) {
  return {s.data(), s.size()};
}

bool IsWebSocketUpgrade(const Request& req) {
  return req.method == "GET" && LowerAscii(req.Header("upgrade")) == "websocket";
}

}  // namespace

namespace detail {
// In `detail`, not the anonymous namespace: HttpServerImpl holds sessions, and a named type may
// not depend on an internal one (GCC's -Wsubobject-linkage, enforced in unity builds).
class Session;

struct HttpServerImpl {
  HttpServerOptions opt;
  const Router& router;
  ServerContext& ctx;
  WsUpgradeHandler ws_handler;
  std::function<void()> ws_close_all;

  // Declared before ioc so that they outlive it: destroying ioc destroys any handler still
  // queued, and with it a Session whose destructor takes mu.
  std::mutex mu;  // guards sessions, connections; cv signals connections reaching 0
  std::condition_variable cv;
  std::size_t connections = 0;
  std::map<Session*, std::weak_ptr<Session>> sessions;

  // Before `workers`: background refreshes still queued finish before the cache goes.
  std::optional<ResponseCache> cache;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<net::thread_pool> workers;
  tcp::acceptor acceptor{ioc};
  net::steady_timer accept_retry{ioc};
  std::vector<std::thread> threads;
  uint16_t bound_port = 0;

  std::atomic<bool> stopping{false};
  bool started = false;
  bool stopped = false;

  HttpServerImpl(HttpServerOptions o, const Router& r, ServerContext& c)
      : opt(std::move(o)), router(r), ctx(c) {
    if (opt.response_cache) cache.emplace(opt.cache);
  }

  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void CloseAll(bool force);
};
}  // namespace detail

namespace detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(detail::HttpServerImpl& srv, tcp::socket&& socket)
      : srv_(srv), stream_(std::move(socket)) {}

  ~Session() {
    std::lock_guard lock(srv_.mu);
    srv_.sessions.erase(this);
    if (--srv_.connections == 0) srv_.cv.notify_all();
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadNext(); });
  }

  // Called on shutdown (from any thread): idle connections close now, busy ones after their
  // response; `force` closes busy ones too.
  void Shutdown(bool force) {
    net::post(stream_.get_executor(), [self = shared_from_this(), force] {
      if (!self->busy_ || force) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

 private:
  void ReadNext() {
    if (srv_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // Beast checks Content-Length against body_limit while it parses the header, before the
    // route is known: allow the largest route limit here and apply the route's own in OnHeader.
    parser_->body_limit(std::max(kBodyLimit, kHookBodyLimit));
    if (buffer_.size() == 0 && !first_) {
      // Keep-alive: wait for the next request's first byte with the (longer) idle timeout,
      // then give its header the header timeout.
      stream_.expires_after(srv_.opt.idle_timeout);
      stream_.async_read_some(buffer_.prepare(4096),
                              [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                if (ec) return self->Close();
                                self->buffer_.commit(n);
                                self->ReadHeader();
                              });
      return;
    }
    ReadHeader();
  }

  void ReadHeader() {
    first_ = false;
    stream_.expires_after(srv_.opt.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      return SendAndClose(Response::Error(431, "request header too large"));
    }
    if (ec == http::error::body_limit) {
      return SendAndClose(Response::Error(413, "request body too large"));
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset) {
      return Close();
    }
    if (ec) return SendAndClose(Response::Error(400, "malformed request"));

    auto& msg = parser_->get();
    req_ = Request();
    req_.method = std::string(msg.method_string());
    if (!ParseTarget(SV(msg.target()), &req_.path, &req_.query)) {
      return SendAndClose(Response::Error(400, "malformed request target"));
    }
    for (const auto& f : msg) {
      std::string name = LowerAscii(SV(f.name_string()));
      auto [it, inserted] = req_.headers.emplace(name, std::string(SV(f.value())));
      if (!inserted) it->second += ", " + std::string(SV(f.value()));
    }
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();

    bool ws = IsWebSocketUpgrade(req_);
    if (auto refusal = CheckRequest(req_, srv_.opt.guard, ws)) {
      return SendAndClose(std::move(*refusal));
    }
    if (ws && req_.path == "/ws") {
      if (!srv_.ws_handler) return SendAndClose(Response::Error(404, "no WebSocket endpoint"));
      stream_.expires_never();
      auto up = std::unique_ptr<WsUpgrade>(
          new WsUpgrade{stream_.release_socket(), parser_->release(), std::move(req_), &srv_.ioc});
      GlobalHttpMetrics().CountResponse(101);
      srv_.ws_handler(std::move(up));
      return;
    }

    std::size_t limit = BodyLimitFor(req_.method, req_.path);
    if (msg.has_content_length() && parser_->content_length() &&
        *parser_->content_length() > limit) {
      return SendAndClose(Response::Error(413, "request body too large"));
    }
    parser_->body_limit(limit);
    if (parser_->is_done()) return OnRequest();

    stream_.expires_after(srv_.opt.body_timeout);
    auto read_body = [self = shared_from_this()] {
      http::async_read(
          self->stream_, self->buffer_, *self->parser_, [self](beast::error_code ec, std::size_t) {
            if (ec == http::error::body_limit) {
              return self->SendAndClose(Response::Error(413, "request body too large"));
            }
            if (ec) return self->Close();
            self->OnRequest();
          });
    };
    if (LowerAscii(req_.Header("expect")) == "100-continue") {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                       [self = shared_from_this(), read_body](beast::error_code ec, std::size_t) {
                         if (ec) return self->Close();
                         read_body();
                       });
      return;
    }
    read_body();
  }

  void OnRequest() {
    req_.body = std::move(parser_->get().body());
    busy_ = true;
    net::post(*srv_.workers, [self = shared_from_this()] { self->Handle(); });
  }

  // On a worker thread.
  void Handle() {
    Response res;
    try {
      res = Dispatch();
      if (res.status == 0) res = ServeStatic(req_, srv_.opt.guard, PageTimeZone());
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", req_.method, req_.path, e.what());
      res = Response::Error(500, "internal error");
    }
    AddStandardHeaders(res);
    if (res.stream) return Stream(std::move(res));
    net::post(stream_.get_executor(), [self = shared_from_this(), r = std::move(res)]() mutable {
      self->Send(std::move(r), false);
    });
  }

  // The configured zone as GET /api/config names it ("local" or an IANA name), for the page.
  std::string PageTimeZone() {
    auto cfg = srv_.ctx.config();
    if (!cfg) return {};
    auto it = cfg->doc.find("timezone");
    return it != cfg->doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  }

  // Read-only API requests go through the response cache when the context versions its state.
  Response Dispatch() {
    std::optional<uint64_t> version;
    if (srv_.cache && ResponseCache::Cacheable(req_)) version = srv_.ctx.StateVersion();
    if (!version) return srv_.router.Dispatch(req_, srv_.ctx);
    // The computation may also run later, as a background refresh: it owns its request.
    auto req = std::make_shared<const Request>(req_);
    detail::HttpServerImpl* srv = &srv_;
    return srv_.cache->Get(
        ResponseCache::KeyOf(req_), *version,
        [srv, req] {
          Request r = *req;  // the router fills in the path parameters
          return srv->router.Dispatch(r, srv->ctx);
        },
        [srv](std::function<void()> task) { net::post(*srv->workers, std::move(task)); });
  }

  template <class Body>
  void FillHead(http::response<Body>& out, const Response& res) {
    out.result(static_cast<unsigned>(res.status));
    out.version(version_);
    if (!res.content_type.empty()) out.set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers)
      out.insert(k, v);
  }

  // On the strand. `close` forces Connection: close and a lingering close afterwards.
  void Send(Response res, bool close) {
    GlobalHttpMetrics().CountResponse(res.status);
    bool head = req_.method == "HEAD";
    auto out = std::make_shared<http::response<http::string_body>>();
    FillHead(*out, res);
    bool keep = keep_alive_ && !close && !srv_.stopping;
    out->keep_alive(keep);
    if (head) {
      out->content_length(res.body.size());
    } else {
      out->body() = std::move(res.body);
      out->prepare_payload();
    }
    stream_.expires_after(srv_.opt.body_timeout);
    http::async_write(
        stream_, *out,
        [self = shared_from_this(), out, keep, close](beast::error_code ec, std::size_t) {
          self->busy_ = false;
          if (ec) return self->Close();
          if (close) return self->LingerClose();
          if (!keep) return self->Close();
          self->ReadNext();
        });
  }

  void SendAndClose(Response res) {
    AddStandardHeaders(res);
    Send(std::move(res), true);
  }

  // Runs `start(done)` on the strand and waits for done(ec); on a worker thread only.
  template <class Start>
  bool RunOnStrand(Start start) {
    auto done = std::make_shared<std::promise<beast::error_code>>();
    auto fut = done->get_future();
    net::post(stream_.get_executor(), [this, start, done]() mutable {
      stream_.expires_after(srv_.opt.body_timeout);
      start([done](beast::error_code ec, std::size_t) { done->set_value(ec); });
    });
    return !fut.get();
  }

  // On a worker thread: chunked transfer, blocking on each write so the producer never runs
  // ahead of the client; stops once a write fails (client gone, or stalled past the timeout).
  void Stream(Response res) {
    GlobalHttpMetrics().CountResponse(res.status);
    http::response<http::empty_body> head;
    FillHead(head, res);
    head.keep_alive(false);
    head.chunked(true);
    http::response_serializer<http::empty_body> sr(head);
    bool ok = RunOnStrand([&](auto cb) { http::async_write_header(stream_, sr, cb); });
    if (ok && req_.method != "HEAD") {
      Response::ChunkWriter writer = [&](std::string_view data) {
        if (!ok) return false;
        if (data.empty()) return true;  // an empty chunk would end the body
        ok = RunOnStrand([&](auto cb) {
          net::async_write(stream_, http::make_chunk(net::const_buffer(data.data(), data.size())),
                           cb);
        });
        return ok;
      };
      try {
        res.stream(writer);
      } catch (const std::exception& e) {
        spdlog::error("{} {}: while streaming: {}", req_.method, req_.path, e.what());
        ok = false;  // no terminating chunk: the client sees a truncated transfer
      }
      if (ok) {
        RunOnStrand([&](auto cb) { net::async_write(stream_, http::make_chunk_last(), cb); });
      }
    }
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->busy_ = false;
      self->Close();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  void LingerClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->stream_.close();
                              self->Drain();
                            });
  }

  detail::HttpServerImpl& srv_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request req_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool first_ = true;
  bool busy_ = false;
  char scratch_[4096];
};

}  // namespace detail

void detail::HttpServerImpl::DoAccept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
    OnAccept(ec, std::move(s));
  });
}

void detail::HttpServerImpl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (ec) {
    // Out of descriptors and the like: wait a little instead of spinning.
    spdlog::warn("accept: {}", ec.message());
    accept_retry.expires_after(std::chrono::milliseconds(100));
    accept_retry.async_wait([this](beast::error_code e) {
      if (!e) DoAccept();
    });
    return;
  }
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu);
    if (connections < opt.max_connections) {
      ++connections;
      session = std::make_shared<Session>(*this, std::move(socket));
      sessions[session.get()] = session;
    }
  }
  if (session) {
    session->Start();
  } else {
    GlobalHttpMetrics().CountResponse(503);
    auto s = std::make_shared<tcp::socket>(std::move(socket));
    static const char kBusy[] =
        "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    net::async_write(*s, net::buffer(kBusy, sizeof kBusy - 1), [s](beast::error_code, std::size_t) {
      beast::error_code e;
      s->shutdown(tcp::socket::shutdown_both, e);
      s->close(e);
    });
  }
  DoAccept();
}

void detail::HttpServerImpl::CloseAll(bool force) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu);
    for (auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live)
    s->Shutdown(force);
}

HttpServer::HttpServer(HttpServerOptions options, const Router& router, ServerContext& ctx)
    : impl_(std::make_shared<detail::HttpServerImpl>(std::move(options), router, ctx)) {}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::SetWebSocketHandler(WsUpgradeHandler handler, std::function<void()> close_all) {
  impl_->ws_handler = std::move(handler);
  impl_->ws_close_all = std::move(close_all);
}

void HttpServer::Start() {
  detail::HttpServerImpl& s = *impl_;
  if (std::string err = StartupError(s.opt.host, s.opt.guard); !err.empty()) {
    throw std::runtime_error(err);
  }
  beast::error_code ec;
  std::string host = s.opt.host == "localhost" ? "127.0.0.1" : s.opt.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto addr = net::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("invalid listen address: " + s.opt.host);
  tcp::endpoint ep(addr, s.opt.port);
  auto fail = [&](const char* what) {
    throw std::runtime_error(std::string("cannot listen on ") + s.opt.host + ":" +
                             std::to_string(s.opt.port) + " (" + what + "): " + ec.message());
  };
  s.acceptor.open(ep.protocol(), ec);
  if (ec) fail("open");
  s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  s.acceptor.bind(ep, ec);
  if (ec) fail("bind");
  s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  s.bound_port = s.acceptor.local_endpoint().port();

  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  unsigned io = s.opt.io_threads ? s.opt.io_threads : cores;
  unsigned workers = s.opt.worker_threads ? s.opt.worker_threads : std::max(4u, 2 * cores);
  s.workers.emplace(workers);
  s.work.emplace(s.ioc.get_executor());
  s.DoAccept();
  for (unsigned i = 0; i < io; ++i)
    s.threads.emplace_back([&s] { s.ioc.run(); });
  s.started = true;
}

uint16_t HttpServer::port() const {
  return impl_->bound_port;
}

void HttpServer::Stop() {
  detail::HttpServerImpl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (!s.started || s.stopped) return;
    s.stopped = true;
  }
  s.stopping = true;
  net::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
    s.accept_retry.cancel();
  });
  s.CloseAll(false);
  if (s.ws_close_all) s.ws_close_all();
  {
    std::unique_lock lock(s.mu);
    if (!s.cv.wait_for(lock, s.opt.shutdown_grace, [&] { return s.connections == 0; })) {
      spdlog::warn("shutdown: closing {} connection(s) still busy", s.connections);
      lock.unlock();
      s.CloseAll(true);
      lock.lock();
      s.cv.wait_for(lock, std::chrono::seconds(5), [&] { return s.connections == 0; });
    }
  }
  // Handlers still running (a slow query) finish on the workers before they join.
  s.workers->join();
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.threads)
    t.join();
  s.threads.clear();
}

void HttpServer::WaitForSignal() {
  std::promise<void> got;
  auto fut = got.get_future();
  std::once_flag once;
  net::signal_set signals(impl_->ioc, SIGINT, SIGTERM);
  signals.async_wait(
      [&](beast::error_code, int) { std::call_once(once, [&] { got.set_value(); }); });
  fut.wait();
  Stop();
}

}  // namespace cs
