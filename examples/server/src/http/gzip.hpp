// SPDX-License-Identifier: Apache-2.0
// Request bodies sent with Content-Encoding: gzip (meters on slow links), inflated with a hard
// limit on the output so a small "zip bomb" cannot take the server's memory.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace energy::server {

/// The inflated body is larger than the limit.
class inflate_limit_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/**
 * Inflates a gzip stream (RFC 1952; concatenated members are accepted, as gzip(1) makes them).
 * Stops as soon as the output would exceed `max_output` bytes, having allocated at most that.
 * @throws inflate_limit_error when the output exceeds `max_output`;
 *         std::invalid_argument when the data is not valid gzip (naming zlib's reason).
 */
[[nodiscard]] std::string gunzip(std::string_view compressed, std::size_t max_output);

/// Compresses (tests and clients); level 6.
[[nodiscard]] std::string gzip(std::string_view plain);

}  // namespace energy::server
