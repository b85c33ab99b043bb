// The WebSocket hub behind GET /ws: handshake on the connection the HTTP server hands over,
// per-client bounded send queues on the connection's strand, pings through Beast's idle timeout.
#include <utility>  // before asio (Boost 1.74)

#include "server/ws_hub.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include "core/time.h"
#include "server/ws_upgrade.h"

namespace cs {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// ---- Pure parts ----

std::string_view Utf8Prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  // Back up over continuation bytes (10xxxxxx) so that the cut falls before a lead byte.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
    --cut;
  return s.substr(0, cut);
}

bool TruncateStrings(nlohmann::json& j, std::size_t max_bytes) {
  if (max_bytes == 0) return false;
  bool cut = false;
  if (j.is_string()) {
    auto& str = j.get_ref<std::string&>();
    if (str.size() > max_bytes) {
      str.resize(Utf8Prefix(str, max_bytes).size());
      cut = true;
    }
  } else if (j.is_object() || j.is_array()) {
    for (auto& v : j)
      cut = TruncateStrings(v, max_bytes) || cut;
  }
  return cut;
}

namespace {

constexpr const char* kKeepKeys[] = {"hook_event_name", "session_id", "timestamp"};

std::string_view StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

}  // namespace

nlohmann::json PrepareEvent(const nlohmann::json& event, std::size_t max_field_bytes,
                            int64_t now_ms) {
  nlohmann::json ev;
  if (event.is_object()) {
    ev = event;
  } else {
    ev = nlohmann::json::object();
    ev["data"] = event;
  }
  if (StringField(ev, "hook_event_name").empty()) {
    std::string_view type = StringField(ev, "type");
    ev["hook_event_name"] = type.empty() ? std::string("Unknown") : std::string(type);
  }
  if (auto it = ev.find("session_id"); it != ev.end() && !it->is_string()) {
    if (it->is_null()) {
      ev.erase(it);
    } else {
      *it = it->dump();  // a number or the like: keep it, as a string, so filters can match
    }
  }
  if (StringField(ev, "timestamp").empty()) ev["timestamp"] = FormatTimestamp(now_ms);

  bool cut = false;
  for (auto& [key, value] : ev.items()) {
    bool keep = false;
    for (const char* k : kKeepKeys)
      keep = keep || key == k;
    if (!keep) cut = TruncateStrings(value, max_field_bytes) || cut;
  }
  if (cut) ev["truncated"] = true;
  return ev;
}

WsFilter WsFilter::FromQuery(const Request& req) {
  WsFilter f;
  if (const std::string* sid = req.Query("session_id")) f.session_id = *sid;
  if (const std::string* ev = req.Query("events")) {
    std::string_view rest = *ev;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
        item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
        item.remove_suffix(1);
      if (!item.empty()) f.events.emplace(item);
    }
  }
  return f;
}

bool WsFilter::Matches(std::string_view hook_event_name, std::string_view sid) const {
  if (!session_id.empty() && sid != session_id) return false;
  if (!events.empty() && !events.count(std::string(hook_event_name))) return false;
  return true;
}

WsHubOptions WsHubOptions::FromEnv() {
  WsHubOptions o;
  if (const char* v = std::getenv("CLAUDESCOPE_WS_PING_MS")) {
    char* end = nullptr;
    long long ms = std::strtoll(v, &end, 10);
    if (end && *end == '\0' && ms > 0) o.ping_interval = std::chrono::milliseconds(ms);
  }
  return o;
}

// ---- The hub ----

namespace detail {
class WsSession;

struct WsHubImpl {
  explicit WsHubImpl(WsHubOptions o) : opt(std::move(o)) {}
  WsHubOptions opt;
  mutable std::mutex mu;  // guards clients, stopping, ioc; cv signals a client leaving
  std::condition_variable cv;
  std::map<WsSession*, std::weak_ptr<WsSession>> clients;
  bool stopping = false;
  net::io_context* ioc = nullptr;  // the server's, learnt from the first upgrade

  // Every live client. The shared_ptrs must be dropped outside `mu` (a session's destructor
  // takes it).
  std::vector<std::shared_ptr<WsSession>> Live() const;
};

// One client. Everything but Send/the constructor runs on the socket's strand.
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<WsHubImpl> hub, tcp::socket&& socket, WsFilter filter)
      : hub_(std::move(hub)), ws_(std::move(socket)), filter_(std::move(filter)) {}

  ~WsSession() {
    std::lock_guard lock(hub_->mu);
    hub_->clients.erase(this);
    hub_->cv.notify_all();
  }

  const WsFilter& filter() const { return filter_; }
  auto executor() { return ws_.get_executor(); }

  void Start(http::request<http::string_body> req) {
    req_ = std::move(req);
    net::dispatch(ws_.get_executor(), [self = shared_from_this()] { self->DoAccept(); });
  }

  // Any thread: hands the frame to the strand.
  void Send(std::shared_ptr<const std::string> frame) {
    if (dead_.load(std::memory_order_relaxed)) return;
    net::post(ws_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
      self->Enqueue(std::move(f));
    });
  }

  // Any thread: a close frame (going away) when possible, else the socket is cut.
  void Close() {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->DoClose(); });
  }
  void ForceClose() {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->Abort(nullptr); });
  }

  // Refuses the upgrade with a plain 503 (too many clients or stopping).
  void Refuse() {
    net::dispatch(ws_.get_executor(), [self = shared_from_this()] {
      static const char kBusy[] =
          "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
      self->dead_ = true;
      net::async_write(beast::get_lowest_layer(self->ws_), net::buffer(kBusy, sizeof kBusy - 1),
                       [self](beast::error_code, std::size_t) { self->Abort(nullptr); });
    });
  }

 private:
  void DoAccept() {
    const WsHubOptions& o = hub_->opt;
    websocket::stream_base::timeout t;
    t.handshake_timeout = o.handshake_timeout;
    t.idle_timeout = 2 * o.ping_interval;  // Beast pings at half of it when nothing came in
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "claudescope"); }));
    ws_.read_message_max(4096);
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.async_accept(req_, [self = shared_from_this()](beast::error_code ec) {
      self->req_ = {};
      if (ec) return self->Abort(nullptr);
      self->accepted_ = true;
      if (self->closing_) return self->DoClose();
      self->DoRead();
      if (!self->queue_.empty()) self->DoWrite();
    });
  }

  // Only to run Beast's control-frame handling (pongs, pings, close); data is ignored.
  void DoRead() {
    ws_.async_read(rbuf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Abort(nullptr);
      self->rbuf_.consume(self->rbuf_.size());
      self->DoRead();
    });
  }

  void Enqueue(std::shared_ptr<const std::string> frame) {
    if (dead_ || closing_) return;
    queued_bytes_ += frame->size();
    queue_.push_back(std::move(frame));
    const WsHubOptions& o = hub_->opt;
    if (queue_.size() > o.max_queue_frames || queued_bytes_ > o.max_queue_bytes) {
      return Abort("send queue full");
    }
    if (accepted_ && !writing_) DoWrite();
  }

  void DoWrite() {
    writing_ = true;
    ws_.async_write(net::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (self->dead_) return;
                      if (ec) return self->Abort(nullptr);
                      self->queued_bytes_ -= self->queue_.front()->size();
                      self->queue_.pop_front();
                      if (self->closing_) return self->DoClose();
                      if (!self->queue_.empty()) self->DoWrite();
                    });
  }

  void DoClose() {
    if (dead_) return;
    closing_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    if (!accepted_) return;  // the accept handler comes back here
    if (writing_) return;    // the write handler comes back here
    if (close_sent_) return;
    close_sent_ = true;
    ws_.async_close(websocket::close_reason(websocket::close_code::going_away, "server stopping"),
                    [self = shared_from_this()](beast::error_code) { self->Abort(nullptr); });
  }

  void Abort(const char* why) {
    if (why && !dead_) spdlog::info("ws: disconnecting a client: {}", why);
    dead_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    auto& sock = beast::get_lowest_layer(ws_);
    if (sock.is_open()) {
      beast::error_code ec;
      sock.shutdown(tcp::socket::shutdown_both, ec);
      sock.close(ec);
    }
  }

  std::shared_ptr<WsHubImpl> hub_;
  websocket::stream<tcp::socket> ws_;
  WsFilter filter_;
  http::request<http::string_body> req_;
  beast::flat_buffer rbuf_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  bool accepted_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  std::atomic<bool> dead_{false};
};

std::vector<std::shared_ptr<WsSession>> WsHubImpl::Live() const {
  std::vector<std::shared_ptr<WsSession>> out;
  std::lock_guard lock(mu);
  out.reserve(clients.size());
  for (auto& [raw, weak] : clients) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace detail

WsHub::WsHub(WsHubOptions options)
    : impl_(std::make_shared<detail::WsHubImpl>(std::move(options))) {}

WsHub::~WsHub() {
  Stop();
}

void WsHub::Accept(std::unique_ptr<WsUpgrade>&& upgrade) {
  auto& s = *impl_;
  WsFilter filter = WsFilter::FromQuery(upgrade->parsed);
  // The socket's executor is a strand of the server's io_context (ws_upgrade.h).
  auto& ioc = static_cast<net::io_context&>(
      net::query(upgrade->socket.get_executor(), net::execution::context));
  auto session =
      std::make_shared<detail::WsSession>(impl_, std::move(upgrade->socket), std::move(filter));
  bool refuse = false;
  {
    std::lock_guard lock(s.mu);
    s.ioc = &ioc;
    if (s.stopping || s.clients.size() >= s.opt.max_clients) {
      refuse = true;
    } else {
      s.clients.emplace(session.get(), session);
    }
  }
  if (refuse) return session->Refuse();
  session->Start(std::move(upgrade->request));
}

WsUpgradeHandler WsHub::Handler() {
  return [this](std::unique_ptr<WsUpgrade> up) { Accept(std::move(up)); };
}

void WsHub::Broadcast(const nlohmann::json& event) {
  auto& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.stopping || s.clients.empty()) return;
  }
  std::size_t max = s.opt.max_field_bytes ? s.opt.max_field_bytes() : 4096;
  nlohmann::json ev = PrepareEvent(event, max, NowMs());
  std::string_view name = StringField(ev, "hook_event_name");
  std::string_view sid = StringField(ev, "session_id");
  std::shared_ptr<const std::string> frame;
  for (auto& c : s.Live()) {
    if (!c->filter().Matches(name, sid)) continue;
    if (!frame) {
      frame = std::make_shared<const std::string>(
          ev.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    c->Send(frame);
  }
}

void WsHub::Stop() {
  auto& s = *impl_;
  bool running;
  {
    std::lock_guard lock(s.mu);
    if (s.stopping) return;  // once: later calls may come after the io_context is gone
    s.stopping = true;
    if (s.clients.empty()) return;
    running = s.ioc && !s.ioc->stopped();
  }
  // With the io_context stopped nothing would run: the sockets close when it is destroyed.
  if (!running) return;
  for (auto& c : s.Live())
    c->Close();
  auto wait = [&](std::chrono::milliseconds d) {
    std::unique_lock lock(s.mu);
    return s.cv.wait_for(lock, d, [&] { return s.clients.empty(); });
  };
  if (wait(std::chrono::milliseconds(2000))) return;
  for (auto& c : s.Live())
    c->ForceClose();
  wait(std::chrono::milliseconds(1000));
}

std::size_t WsHub::client_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->clients.size();
}

}  // namespace cs
