// SPDX-License-Identifier: Apache-2.0
// What the network layer makes of one received HTTP message, before routing: the server's
// request (method, raw path, decoded query, lower-cased headers, body inflated from gzip within
// its limit), a CORS preflight, or the problem that refuses it. No sockets or Asio: server.cpp
// calls it for every message it reads, and the request fuzzer (fuzz/fuzz_http_request.cpp) calls
// it on messages parsed from raw bytes, so both exercise one and the same code.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <utility>  // before Beast: Boost 1.74 + GCC 12 need std::exchange declared

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/message.hpp"

namespace energy::server {

using wire_message = boost::beast::http::request<boost::beast::http::string_body>;

/// The parts of server_options that decoding needs.
struct wire_limits {
  std::size_t max_decompressed_bytes = 64u << 20;  ///< after gzip; 413 (and close) beyond
  bool trust_forwarded_for = false;                ///< remote address from X-Forwarded-For
};

/// The request as far as its header tells (method, raw path, request id, remote address):
/// enough to answer a refusal even when the body was never read. Never throws on any header.
[[nodiscard]] request request_head(const wire_message& msg, const std::string& remote,
                                   const wire_limits& limits);

struct decoded_message {
  enum class outcome : std::uint8_t {
    route,      ///< `req` goes to the dispatcher
    preflight,  ///< an OPTIONS request: `req` (head and headers) goes to dispatcher::preflight
    refuse,     ///< answer `refusal` to `req` (dispatcher::refuse)
  };
  outcome what = outcome::route;
  request req;
  std::optional<problem> refusal;
  bool close = false;  ///< the refusal closes the connection (a body that inflates too far)
};

/// Decodes a complete message; moves its body out. Never throws: anything the client got wrong is
/// a refusal (501 unknown method, 400 bad %-escape in the query or bad gzip, 415 an encoding other
/// than gzip/identity, 413 a body that inflates beyond the limit).
[[nodiscard]] decoded_message decode_message(wire_message& msg, const std::string& remote,
                                             const wire_limits& limits);

}  // namespace energy::server
