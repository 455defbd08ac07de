// SPDX-License-Identifier: Apache-2.0
// The OpenAPI 3.1 document, generated from the registered routes (each carries its Operation
// Object), so the document and the route table cannot drift.
#pragma once

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace energy::server {

struct openapi_info {
  std::string version;                                ///< the server's version
  std::string server_url;                             ///< "" → "/"
  nlohmann::json schemas = nlohmann::json::object();  ///< component schemas of every module
};

/**
 * Builds the document: one operation per route (its `operation`, plus the path parameters of its
 * pattern when not declared, `security` from its access level, and the 401/403/503/default
 * problem responses), the Problem schema and the catalogue of problem types
 * (`x-problem-types`).
 * @throws std::invalid_argument when a route has no operationId or two share one.
 */
[[nodiscard]] nlohmann::json openapi_document(std::span<const route> routes,
                                              const openapi_info& info);

/// "viewer", "operator", ... as the document's `x-energy-access` names it.
[[nodiscard]] std::string_view to_string(access a) noexcept;

}  // namespace energy::server
