// SPDX-License-Identifier: Apache-2.0
#include "http/wire_request.hpp"

#include <exception>
#include <string_view>

#include <energy/uuid.hpp>

#include "http/gzip.hpp"
#include "http/problems.hpp"
#include "http/router.hpp"

namespace energy::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

std::optional<http_method> to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return http_method::get;
    case bhttp::verb::post:
      return http_method::post;
    case bhttp::verb::put:
      return http_method::put;
    case bhttp::verb::patch:
      return http_method::patch;
    case bhttp::verb::delete_:
      return http_method::del;
    default:
      return std::nullopt;
  }
}

/// A client's X-Request-Id is echoed when it is short and plain; otherwise a fresh id is made, so
/// log lines cannot be forged or bloated through it.
std::string request_id_from(std::string_view sent) {
  if (!sent.empty() && sent.size() <= 128) {
    bool plain = true;
    for (const char c : sent) {
      plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':');
    }
    if (plain) return std::string(sent);
  }
  return uuid::v7().to_string();
}

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

void copy_headers(const wire_message& msg, request& r) {
  r.headers.reserve(16);
  for (const auto& field : msg)
    r.headers.emplace_back(lower(sv(field.name_string())), std::string(field.value()));
}

decoded_message refused(request r, problem p, bool close = false) {
  decoded_message d;
  d.what = decoded_message::outcome::refuse;
  d.req = std::move(r);
  d.refusal = std::move(p);
  d.close = close;
  return d;
}

}  // namespace

request request_head(const wire_message& msg, const std::string& remote,
                     const wire_limits& limits) {
  request r;
  const auto target = sv(msg.target());
  const auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  r.request_id = request_id_from(sv(msg["X-Request-Id"]));
  r.remote_address = remote;
  if (limits.trust_forwarded_for) {
    const auto fwd = sv(msg["X-Forwarded-For"]);
    if (!fwd.empty()) {
      auto first = fwd.substr(0, fwd.find(','));
      while (!first.empty() && first.front() == ' ')
        first.remove_prefix(1);
      while (!first.empty() && first.back() == ' ')
        first.remove_suffix(1);
      r.remote_address = std::string(first);
    }
  }
  if (const auto m = to_method(msg.method())) r.method = *m;
  return r;
}

decoded_message decode_message(wire_message& msg, const std::string& remote,
                               const wire_limits& limits) {
  request r = request_head(msg, remote, limits);
  if (msg.method() == bhttp::verb::options) {
    // CORS preflight: answered by policy before routing and credentials (browsers send none).
    copy_headers(msg, r);
    decoded_message d;
    d.what = decoded_message::outcome::preflight;
    d.req = std::move(r);
    return d;
  }
  if (!to_method(msg.method()))
    return refused(std::move(r), make_problem("/problems/not-implemented",
                                              "method " + std::string(msg.method_string()) +
                                                  " is not implemented"));
  const auto target = sv(msg.target());
  const auto q = target.find('?');
  if (q != std::string_view::npos) {
    auto query = parse_query(std::string_view(target.data() + q + 1, target.size() - q - 1));
    if (!query)
      return refused(std::move(r),
                     make_problem("/problems/bad-request", "invalid %-escape in the query"));
    r.query = std::move(*query);
  }
  copy_headers(msg, r);
  r.body = std::move(msg.body());

  const auto encoding = lower(sv(msg[bhttp::field::content_encoding]));
  if (!encoding.empty() && encoding != "identity") {
    if (encoding != "gzip")
      return refused(std::move(r), make_problem("/problems/unsupported-media-type",
                                                "Content-Encoding '" + encoding +
                                                    "' is not supported; send gzip or identity",
                                                "Content-Encoding"));
    try {
      r.body = gunzip(r.body, limits.max_decompressed_bytes);
    } catch (const inflate_limit_error&) {
      return refused(std::move(r),
                     make_problem("/problems/payload-too-large",
                                  "the decompressed request body exceeds " +
                                      std::to_string(limits.max_decompressed_bytes) + " bytes"),
                     true);
    } catch (const std::exception& e) {
      return refused(std::move(r),
                     make_problem("/problems/bad-request", e.what(), "Content-Encoding"));
    }
  }
  decoded_message d;
  d.req = std::move(r);
  return d;
}

}  // namespace energy::server
