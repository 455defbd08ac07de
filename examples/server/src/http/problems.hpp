// SPDX-License-Identifier: Apache-2.0
// The catalogue of problem types (RFC 9457) the server answers with, and their rendering. The
// OpenAPI document lists the catalogue, so a client can switch on `type` and trust it stays.
#pragma once

#include <span>
#include <string_view>

#include "http/message.hpp"

namespace energy::server {

struct problem_type {
  std::string_view type;  ///< "/problems/not-found"
  int status = 500;
  std::string_view title;
  std::string_view meaning;  ///< when a client gets it and what to do
};

/// Every problem type any module answers with. Add a line here when a module needs a new one.
[[nodiscard]] std::span<const problem_type> problem_types() noexcept;

/// A problem of a catalogued type with the catalogue's status and title.
/// @throws std::logic_error when `type` is not in the catalogue (a programming error).
[[nodiscard]] problem make_problem(std::string_view type, std::string detail,
                                   std::optional<std::string> field = {});

/// The response for `p`: `application/problem+json` with type, title, status, detail, instance
/// (the request path), request_id, field (when set) and the extension members of `p.extra`.
[[nodiscard]] response render_problem(const problem& p, std::string_view request_id,
                                      std::string_view instance);

}  // namespace energy::server
