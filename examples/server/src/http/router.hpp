// SPDX-License-Identifier: Apache-2.0
// Matches a method and path against the registered routes' OpenAPI-style patterns
// ("/api/v1/buildings/{building_id}"). A literal segment beats a parameter at the same place, so
// "/sensors/readings/batch" wins over "/sensors/{id}/..." regardless of registration order.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace energy::server {

class router {
 public:
  /// @throws std::invalid_argument for a malformed pattern (not starting with '/', an empty or
  ///         unclosed {name}) or two routes with the same method and the same shape.
  explicit router(std::vector<route> routes);

  struct match_result {
    const route* found = nullptr;                    ///< nullptr: no route for (method, path)
    std::map<std::string, std::string> path_params;  ///< percent-decoded
    std::vector<http_method> allowed;                ///< methods the path has (405 when found
                                                     ///< is null and this is not empty)
    bool bad_encoding = false;                       ///< a segment had an invalid %-escape
  };

  /// `raw_path` is the request target's path, still percent-encoded (so "%2F" stays inside one
  /// segment). Thread-safe: read-only after construction.
  [[nodiscard]] match_result match(http_method method, std::string_view raw_path) const;

  [[nodiscard]] const std::vector<route>& routes() const noexcept { return routes_; }

 private:
  struct segment {
    std::string text;  ///< literal text, or the parameter name
    bool is_param = false;
  };
  std::vector<route> routes_;
  std::vector<std::vector<segment>> shapes_;  ///< per route
};

/// Percent-decodes `s` ('+' stays '+'; in a query use decode_query_component). nullopt on a bad
/// escape.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view s);
/// As percent_decode, with '+' meaning space (application/x-www-form-urlencoded).
[[nodiscard]] std::optional<std::string> decode_query_component(std::string_view s);
/// Splits "a=1&b=x%20y" into decoded pairs. nullopt on a bad escape.
[[nodiscard]] std::optional<std::multimap<std::string, std::string>> parse_query(
    std::string_view query);

}  // namespace energy::server
