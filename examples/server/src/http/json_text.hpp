// SPDX-License-Identifier: Apache-2.0
// JSON text that never throws on the strings it carries.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace energy::server {

/// `doc` as compact JSON text, any invalid UTF-8 in its strings replaced by U+FFFD. nlohmann's
/// plain `dump()` throws on such bytes; text stored before names were checked for UTF-8, or
/// echoed client input, must not stop an answer, a notification, an audit record or a log line.
[[nodiscard]] inline std::string json_text(const nlohmann::json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace energy::server
