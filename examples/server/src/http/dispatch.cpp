// SPDX-License-Identifier: Apache-2.0
#include "http/dispatch.hpp"

#include <algorithm>
#include <cctype>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include <energy/error.hpp>

#include "auth/access.hpp"
#include "auth/authenticator.hpp"
#include "http/context.hpp"
#include "http/deferred_answer.hpp"
#include "http/log.hpp"
#include "http/metrics.hpp"
#include "http/problems.hpp"
#include "http/routing.hpp"
#include "auth/http_security.hpp"
#include "auth/service.hpp"

namespace energy::server {

namespace {

bool has_header(const response& res, std::string_view name) {
  return std::any_of(res.headers.begin(), res.headers.end(), [name](const auto& h) {
    return std::equal(h.first.begin(), h.first.end(), name.begin(), name.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) ==
             std::tolower(static_cast<unsigned char>(b));
    });
  });
}

class worker_context final : public request_context {
 public:
  worker_context(const principal* who, worker_slot& slot, services& app)
      : who_(who), slot_(slot), app_(app) {}
  const principal& who() const override {
    if (who_ == nullptr) throw std::logic_error("request_context::who() on a public route");
    return *who_;
  }
  const principal* maybe_who() const noexcept override { return who_; }
  storage::store& store() override { return slot_.store(); }
  db::connection& db() override { return slot_.db(); }
  services& app() override { return app_; }

 private:
  const principal* who_;
  worker_slot& slot_;
  services& app_;
};

}  // namespace

dispatcher::dispatcher(const router& routes, services& app, dispatch_options options)
    : routes_(routes), app_(app), options_(options) {
  if (app_.metrics != nullptr) {
    app_.metrics->describe("energy_http_requests_total", "counter",
                           "HTTP requests answered, by route pattern, method and status");
    app_.metrics->describe("energy_http_request_duration_seconds", "histogram",
                           "Time from a parsed request to its response, by route pattern");
    app_.metrics->describe("energy_store_retries_total", "counter",
                           "Handler attempts repeated after a retryable store error");
  }
}

response dispatcher::run(request& req, worker_slot& slot, const route*& matched,
                         std::optional<principal>& caller) {
  const principal* who = nullptr;
  auto routed = route_request(routes_, req);
  matched = routed.found;
  if (routed.refusal) {
    if (routed.allow.empty()) throw problem_error(std::move(*routed.refusal));
    auto res = render_problem(*routed.refusal, req.request_id, req.path);
    res.headers.emplace_back("Allow", routed.allow);
    return res;
  }
  const route* const found = routed.found;

  if (found->who != access::public_) {
    if (app_.authenticator == nullptr) {
      throw problem_error(make_problem("/problems/unauthorized",
                                       "this server was built without an authentication module"));
    }
    caller = app_.authenticator->authenticate(req, slot.db());
    if (!caller)
      throw problem_error(make_problem("/problems/unauthorized", "credentials are required"));
    who = &*caller;
    if (!auth::allows(found->who, *caller)) {
      throw problem_error(make_problem("/problems/forbidden", "this role may not call this route"));
    }
  } else if (app_.authenticator != nullptr && req.header("authorization")) {
    // Public routes may use credentials when given (logout, whoami); bad ones are ignored here.
    try {
      caller = app_.authenticator->authenticate(req, slot.db());
      if (caller) who = &*caller;
    } catch (const problem_error&) {
    }
  }
  check_request_body(*found, req);

  auto delay = options_.retry_backoff;
  for (int attempt = 1;; ++attempt) {
    try {
      worker_context ctx(who, slot, app_);
      return found->handle(req, ctx);
    } catch (const storage_error& e) {
      if (!e.retryable()) throw;
      slot.reset();  // a lost connection must not poison the next attempt
      if (attempt >= options_.max_attempts) {
        if (app_.log != nullptr) {
          app_.log->warning("store_unavailable",
                            {{"request_id", req.request_id}, {"error", e.what()}});
        }
        auto res =
            render_problem(make_problem("/problems/unavailable", "the store did not answer after " +
                                                                     std::to_string(attempt) +
                                                                     " attempts; retry later"),
                           req.request_id, req.path);
        res.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_seconds));
        return res;
      }
      if (app_.metrics != nullptr)
        app_.metrics->add("energy_store_retries_total", {{"route", found->pattern}});
      std::this_thread::sleep_for(delay);
      delay *= 2;
    }
  }
}

response dispatcher::render_failure(const std::exception_ptr& failure, const request& req,
                                    const route* matched) noexcept {
  try {
    std::rethrow_exception(failure);
  } catch (const problem_error& e) {
    auto res = render_problem(e.get(), req.request_id, req.path);
    // Rate limits and the like carry their wait as a member; clients read the header.
    if (const auto it = e.get().extra.find("retry_after");
        it != e.get().extra.end() && it->is_number_integer())
      res.headers.emplace_back("Retry-After", std::to_string(it->get<long long>()));
    return res;
  } catch (const db::constraint_violation& e) {
    return render_problem(make_problem("/problems/conflict", e.what()), req.request_id, req.path);
  } catch (const std::invalid_argument& e) {
    // The library's caller-mistake exceptions name the value at fault.
    return render_problem(make_problem("/problems/validation", e.what()), req.request_id, req.path);
  } catch (const storage_error& e) {
    // Reaches here only after the retries (the handler's, or the ingest writer's own).
    if (app_.log != nullptr) {
      app_.log->warning(e.retryable() ? "store_unavailable" : "store_failed",
                        {{"request_id", req.request_id},
                         {"route", matched ? matched->pattern : "unmatched"},
                         {"error", e.what()}});
    }
    if (e.retryable()) {
      auto res = render_problem(
          make_problem("/problems/unavailable", "the store did not answer; retry later"),
          req.request_id, req.path);
      res.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_seconds));
      return res;
    }
    return render_problem(
        make_problem("/problems/internal", "unexpected failure; quote the request id"),
        req.request_id, req.path);
  } catch (const std::exception& e) {
    if (app_.log != nullptr) {
      app_.log->error("handler_failed", {{"request_id", req.request_id},
                                         {"route", matched ? matched->pattern : "unmatched"},
                                         {"error", e.what()}});
    }
  } catch (...) {
  }
  return render_problem(
      make_problem("/problems/internal", "unexpected failure; quote the request id"),
      req.request_id, req.path);
}

void dispatcher::handle(request& req, worker_slot& slot, reply to) noexcept {
  const auto start = std::chrono::steady_clock::now();
  const route* matched = nullptr;
  std::optional<principal> caller;
  response res;
  try {
    res = run(req, slot, matched, caller);
  } catch (...) {
    res = render_failure(std::current_exception(), req, matched);
  }
  if (res.later) {
    // The handler handed its work on: answer when it is done, from whichever thread finishes it.
    const auto later = std::move(res.later);
    later->deliver_to([this, &req, matched, caller = std::move(caller), start, to = std::move(to)](
                          response* done, std::exception_ptr failure) {
      response out = done != nullptr ? std::move(*done) : render_failure(failure, req, matched);
      finish(req, matched, caller ? &*caller : nullptr, out, start);
      to(std::move(out));
    });
    return;
  }
  finish(req, matched, caller ? &*caller : nullptr, res, start);
  to(std::move(res));
}

response dispatcher::handle(request& req, worker_slot& slot) noexcept {
  std::promise<response> answer;
  auto result = answer.get_future();
  handle(req, slot, [&answer](response res) { answer.set_value(std::move(res)); });
  return result.get();
}

response dispatcher::refuse(const request& req, const problem& p) noexcept {
  const auto start = std::chrono::steady_clock::now();
  response res;
  try {
    res = render_problem(p, req.request_id, req.path);
    finish(req, nullptr, nullptr, res, start);
  } catch (...) {
    res.status = p.status;
    res.content_type = "application/problem+json";
    res.body = R"({"type":"/problems/internal","status":500})";
  }
  return res;
}

response dispatcher::preflight(const request& req) noexcept {
  const auto start = std::chrono::steady_clock::now();
  response res;
  try {
    if (app_.auth == nullptr) {
      res = render_problem(make_problem("/problems/not-implemented",
                                        "CORS is configured by the auth module, absent here"),
                           req.request_id, req.path);
    } else {
      res = auth::preflight(app_.auth->config(), req.header("origin"),
                            req.header("access-control-request-method"));
    }
    finish(req, nullptr, nullptr, res, start, false);
  } catch (...) {
    res.status = 500;
    res.content_type = "application/problem+json";
    res.body = R"({"type":"/problems/internal","status":500})";
  }
  return res;
}

void dispatcher::finish(const request& req, const route* matched, const principal* who,
                        response& res, std::chrono::steady_clock::time_point start,
                        bool add_cors) noexcept {
  try {
    res.headers.emplace_back("X-Request-Id", req.request_id);
    if (app_.auth != nullptr) {
      // Every answer, refusals and problems included, carries the security headers; CORS ones
      // only for a configured origin (a preflight's answer has its own).
      // A route may set its own Cache-Control or Content-Security-Policy (the dashboard's
      // files): then the API's default of that name is left out, never sent twice.
      for (auto& h : auth::security_headers(app_.auth->config())) {
        if (!has_header(res, h.first)) res.headers.push_back(std::move(h));
      }
      if (add_cors) {
        for (auto& h : auth::cors_headers(app_.auth->config(), req.header("origin")))
          res.headers.push_back(std::move(h));
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string route_label = matched != nullptr ? matched->pattern : "unmatched";
    const std::string method(to_string(req.method));
    if (app_.metrics != nullptr) {
      app_.metrics->add(
          "energy_http_requests_total",
          {{"route", route_label}, {"method", method}, {"status", std::to_string(res.status)}});
      app_.metrics->observe("energy_http_request_duration_seconds",
                            {{"route", route_label}, {"method", method}}, seconds);
    }
    if (app_.log != nullptr) {
      nlohmann::json line = {{"request_id", req.request_id}, {"method", method},
                             {"route", route_label},         {"path", req.path},
                             {"status", res.status},         {"latency_ms", seconds * 1000.0},
                             {"remote", req.remote_address}};
      if (who != nullptr && !who->tenant_id.is_nil()) line["tenant"] = who->tenant_id.to_string();
      app_.log->info("request", std::move(line));
    }
  } catch (...) {
    // Logging must never turn an answer into a failure.
  }
}

}  // namespace energy::server
