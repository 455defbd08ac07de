// SPDX-License-Identifier: Apache-2.0
// The only translation unit with Beast and Asio (they cost ~35 s of compile time each).
#include "http/server.hpp"

#include <utility>  // before Asio: Boost 1.74 + GCC 12 need std::exchange declared

#include <atomic>
#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

#include <energy/uuid.hpp>

#include "http/log.hpp"
#include "http/problems.hpp"
#include "http/router.hpp"
#include "http/wire_request.hpp"

namespace energy::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr std::size_t read_buffer_bytes = 64 * 1024;

}  // namespace

class session_base {
 public:
  virtual ~session_base() = default;
  /// Closes the connection if it is waiting for a new request (drain). Thread-safe.
  virtual void close_if_idle() = 0;
};

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  server_options options;
  dispatcher& dispatch;
  worker_pool& pool;
  logger* log;
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::optional<ssl::context> tls_context;
  net::signal_set signals;
  net::steady_timer drain_timer;
  std::chrono::steady_clock::time_point drain_deadline{};
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> in_flight{0};
  std::mutex sessions_mutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<session_base>> sessions;
  std::uint64_t next_session = 0;
  std::uint16_t bound_port = 0;

  impl(server_options o, dispatcher& d, worker_pool& p, logger* l)
      : options(std::move(o)),
        dispatch(d),
        pool(p),
        log(l),
        ioc(static_cast<int>(std::max<std::size_t>(options.io_threads, 1))),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        drain_timer(ioc) {}

  void open() {
    if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
      if (options.tls_cert_file.empty() || options.tls_key_file.empty())
        throw std::runtime_error("TLS needs both ENERGY_TLS_CERT and ENERGY_TLS_KEY");
      tls_context.emplace(ssl::context::tls_server);
      tls_context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                               ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                               ssl::context::no_tlsv1_1);
      boost::system::error_code ec;
      tls_context->use_certificate_chain_file(options.tls_cert_file, ec);
      if (ec) {
        throw std::runtime_error("cannot load TLS certificate " + options.tls_cert_file + ": " +
                                 ec.message());
      }
      tls_context->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
      if (ec) {
        throw std::runtime_error("cannot load TLS key " + options.tls_key_file + ": " +
                                 ec.message());
      }
    }
    boost::system::error_code ec;
    const auto address = net::ip::make_address(options.address, ec);
    if (ec)
      throw std::runtime_error("ENERGY_LISTEN: '" + options.address + "' is not an IP address");
    const tcp::endpoint endpoint{address, options.port};
    const auto where = options.address + ":" + std::to_string(options.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    bound_port = acceptor.local_endpoint().port();
  }

  void accept() {
    acceptor.async_accept(
        net::make_strand(ioc),
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
          self->on_accept(ec, std::move(socket));
        });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket);

  std::uint64_t add_session(std::weak_ptr<session_base> s) {
    const std::lock_guard lock(sessions_mutex);
    const auto id = next_session++;
    sessions.emplace(id, std::move(s));
    return id;
  }
  void remove_session(std::uint64_t id) {
    const std::lock_guard lock(sessions_mutex);
    sessions.erase(id);
  }

  void begin_drain() {
    if (draining.exchange(true)) return;
    if (log != nullptr)
      log->info("draining", {{"in_flight", in_flight.load()}, {"connections", sessions.size()}});
    boost::system::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    {
      const std::lock_guard lock(sessions_mutex);
      for (auto& [id, weak] : sessions)
        if (auto s = weak.lock()) s->close_if_idle();
    }
    drain_deadline = std::chrono::steady_clock::now() + options.drain_timeout;
    poll_drain();
  }

  void poll_drain() {
    std::size_t open_sessions = 0;
    {
      const std::lock_guard lock(sessions_mutex);
      open_sessions = sessions.size();
      // Connections that were mid-request when the drain began become idle after their answer
      // and close themselves (keep-alive is off while draining); ask again for late idlers.
      for (auto& [id, weak] : sessions)
        if (auto s = weak.lock()) s->close_if_idle();
    }
    if ((open_sessions == 0 && in_flight == 0) ||
        std::chrono::steady_clock::now() >= drain_deadline) {
      if (log != nullptr) {
        log->info("drained", {{"in_flight", in_flight.load()},
                              {"connections", open_sessions},
                              {"timed_out", open_sessions != 0 || in_flight != 0}});
      }
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->poll_drain();
    });
  }
};

namespace {

template <class Stream>
class session final : public session_base, public std::enable_shared_from_this<session<Stream>> {
 public:
  template <class... Args>
  session(std::shared_ptr<http_server::impl> server, std::string remote, Args&&... args)
      : server_(std::move(server)),
        remote_(std::move(remote)),
        stream_(std::forward<Args>(args)...) {
    buffer_.reserve(read_buffer_bytes);  // Beast reads 512 bytes per call into an empty buffer
  }
  ~session() override { server_->remove_session(id_); }

  void start() {
    id_ = server_->add_session(this->weak_from_this());
    if constexpr (is_tls) {
      beast::get_lowest_layer(stream_).expires_after(server_->options.request_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::system::error_code ec) {
                                if (ec) return self->close_now();
                                self->read_header();
                              });
    } else {
      net::dispatch(stream_.get_executor(),
                    [self = this->shared_from_this()] { self->read_header(); });
    }
  }

  void close_if_idle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->idle_ && self->buffer_.size() == 0) self->close_now();
    });
  }

 private:
  static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

  void read_header() {
    if (server_->draining) return close_gracefully();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    idle_ = true;
    beast::get_lowest_layer(stream_).expires_after(server_->options.request_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          self->on_header(ec);
        });
  }

  void on_header(boost::system::error_code ec) {
    idle_ = false;
    if (ec == bhttp::error::header_limit) {
      return refuse_and_close(make_problem("/problems/header-too-large",
                                           "the request header exceeds " +
                                               std::to_string(server_->options.max_header_bytes) +
                                               " bytes"));
    }
    if (ec == bhttp::error::body_limit) return refuse_body_too_large();
    if (ec) return close_now();  // end of stream, timeout, garbage: nothing to answer
    const auto& h = parser_->get();
    if (beast::iequals(h[bhttp::field::expect], "100-continue")) {
      continue_.emplace(bhttp::status::continue_, h.version());
      bhttp::async_write(
          stream_, *continue_,
          [self = this->shared_from_this()](boost::system::error_code wec, std::size_t) {
            if (wec) return self->close_now();
            self->read_body();
          });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  wire_limits limits() const {
    return wire_limits{.max_decompressed_bytes = server_->options.max_decompressed_bytes,
                       .trust_forwarded_for = server_->options.trust_forwarded_for};
  }

  void refuse_body_too_large() {
    refuse_and_close(make_problem(
        "/problems/payload-too-large",
        "the request body exceeds " + std::to_string(server_->options.max_body_bytes) + " bytes"));
  }

  void refuse_and_close(problem p) {
    if (p.type == "/problems/payload-too-large") {
      p.extra["limit"] = p.detail.find("decompressed") != std::string::npos
                             ? server_->options.max_decompressed_bytes
                             : server_->options.max_body_bytes;
    }
    // The header may be incomplete (431): answer with what is known.
    request r;
    if (parser_ && parser_->is_header_done()) {
      r = request_head(parser_->get(), remote_, limits());
    } else {
      r.request_id = uuid::v7().to_string();
      r.remote_address = remote_;
    }
    ++server_->in_flight;
    refused_ = true;
    write(server_->dispatch.refuse(r, p), false);
  }

  void on_read(boost::system::error_code ec) {
    if (ec == bhttp::error::body_limit) return refuse_body_too_large();
    if (ec) return close_now();
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    auto decoded = decode_message(msg, remote_, limits());
    if (decoded.what == decoded_message::outcome::preflight) {
      ++server_->in_flight;
      return write(server_->dispatch.preflight(decoded.req), keep_alive_);
    }
    if (decoded.what == decoded_message::outcome::refuse) {
      if (decoded.close) return refuse_and_close(std::move(*decoded.refusal));
      ++server_->in_flight;
      return write(server_->dispatch.refuse(decoded.req, *decoded.refusal), keep_alive_);
    }
    request r = std::move(decoded.req);

    ++server_->in_flight;
    auto shared = std::make_shared<request>(std::move(r));
    const bool queued =
        server_->pool.submit([self = this->shared_from_this(), shared](worker_slot& slot) mutable {
          // The answer may come from another thread (ingest's group writer) after the worker
          // has moved on; `shared` keeps the request alive until then.
          self->server_->dispatch.handle(*shared, slot, [self, shared](response res) {
            net::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable {
              self->write(std::move(res), self->keep_alive_);
            });
          });
        });
    if (!queued) {
      auto p = make_problem("/problems/unavailable",
                            server_->draining ? "the server is shutting down"
                                              : "every worker is busy and the queue is full");
      auto res = server_->dispatch.refuse(*shared, p);
      res.headers.emplace_back("Retry-After", std::to_string(server_->options.retry_after_seconds));
      write(std::move(res), keep_alive_);
    }
  }

  /// Writes `res` (in_flight was counted by the caller) and then reads the next request or
  /// closes.
  void write(response res, bool keep_alive) {
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(res.status), parser_ ? parser_->get().version() : 11);
    if (!res.content_type.empty()) out->set(bhttp::field::content_type, res.content_type);
    out->set(bhttp::field::server, "energy-server");
    out->set("X-Content-Type-Options", "nosniff");
    for (auto& [name, value] : res.headers)
      out->insert(name, value);
    // no-store unless the answer chose its own caching (the dashboard's files).
    if (out->find(bhttp::field::cache_control) == out->end())
      out->set(bhttp::field::cache_control, "no-store");
    out->body() = std::move(res.body);
    out->keep_alive(keep_alive && !server_->draining);
    out->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(server_->options.request_timeout);
    bhttp::async_write(
        stream_, *out,
        [self = this->shared_from_this(), out](boost::system::error_code ec, std::size_t) {
          --self->server_->in_flight;
          // A refused request's body may still be arriving: closing now would reset the
          // connection and the client could lose the problem document it has not read yet.
          if (!ec && self->refused_ && !is_tls) return self->linger_then_close();
          if (ec || !out->keep_alive()) return self->close_gracefully();
          // Keep memory per idle connection bounded after a large request.
          if (self->buffer_.size() == 0 && self->buffer_.capacity() > read_buffer_bytes) {
            self->buffer_.shrink_to_fit();
            self->buffer_.reserve(read_buffer_bytes);
          }
          self->read_header();
        });
  }

  void close_gracefully() {
    if constexpr (is_tls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown(
          [self = this->shared_from_this()](boost::system::error_code) { self->close_now(); });
    } else {
      boost::system::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      close_now();
    }
  }

  /// After refusing a request whose body was not read (413, 431): stop sending, then read and
  /// drop what the client still sends for a moment before closing. Closing with unread input
  /// makes the kernel send a reset, and the client may lose the problem document to it.
  void linger_then_close() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    scratch_ = std::make_unique<char[]>(scratch_bytes);
    discard_input();
  }

  void discard_input() {
    beast::get_lowest_layer(stream_).async_read_some(
        net::buffer(scratch_.get(), scratch_bytes),
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (ec) return self->close_now();  // end of input, timeout or error
          self->discard_input();
        });
  }

  void close_now() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  std::shared_ptr<http_server::impl> server_;
  std::string remote_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  static constexpr std::size_t scratch_bytes = 16 * 1024;
  std::unique_ptr<char[]> scratch_;  ///< only while discarding a refused request's input
  std::uint64_t id_ = 0;
  bool refused_ = false;
  bool idle_ = false;
  bool keep_alive_ = true;
};

}  // namespace

void http_server::impl::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    // Out of descriptors and the like: log, pause briefly, keep accepting.
    if (log != nullptr) log->warning("accept_failed", {{"error", ec.message()}});
    auto timer = std::make_shared<net::steady_timer>(ioc, std::chrono::milliseconds(50));
    timer->async_wait(
        [self = shared_from_this(), timer](boost::system::error_code) { self->accept(); });
    return;
  }
  boost::system::error_code peer_ec;
  const auto peer = socket.remote_endpoint(peer_ec);
  std::string remote = peer_ec ? std::string("unknown") : peer.address().to_string();
  socket.set_option(tcp::no_delay(true), peer_ec);
  if (tls_context) {
    std::make_shared<session<beast::ssl_stream<beast::tcp_stream>>>(
        shared_from_this(), std::move(remote), std::move(socket), *tls_context)
        ->start();
  } else {
    std::make_shared<session<beast::tcp_stream>>(shared_from_this(), std::move(remote),
                                                 std::move(socket))
        ->start();
  }
  accept();
}

http_server::http_server(server_options options, dispatcher& d, worker_pool& pool, logger* log)
    : impl_(std::make_shared<impl>(std::move(options), d, pool, log)) {
  impl_->open();
}

http_server::~http_server() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

std::uint16_t http_server::port() const noexcept {
  return impl_->bound_port;
}

bool http_server::tls() const noexcept {
  return impl_->tls_context.has_value();
}

void http_server::run() {
  impl_->signals.async_wait([self = impl_](boost::system::error_code ec, int) {
    if (!ec) self->begin_drain();
  });
  impl_->accept();
  std::vector<std::thread> extra;
  for (std::size_t i = 1; i < impl_->options.io_threads; ++i)
    extra.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : extra)
    t.join();
}

void http_server::request_stop() {
  net::post(impl_->ioc, [self = impl_] { self->begin_drain(); });
}

}  // namespace energy::server
