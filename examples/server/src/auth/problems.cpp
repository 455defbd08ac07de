// SPDX-License-Identifier: Apache-2.0
#include "auth/problems.hpp"

namespace energy::server::auth {

void throw_unauthorized() {
  throw problem_error(problem{401, "/problems/unauthorized", "Unauthorized",
                              "The credentials are missing, invalid, expired or revoked.",
                              std::nullopt, nlohmann::json::object()});
}

void throw_invalid(std::string_view detail, std::string field) {
  throw problem_error(problem{400, "/problems/validation", "Invalid request", std::string(detail),
                              std::move(field), nlohmann::json::object()});
}

void throw_missing(std::string_view what) {
  throw problem_error(problem{404, "/problems/not-found", "Not found",
                              "No " + std::string(what) + " with that id.", std::nullopt,
                              nlohmann::json::object()});
}

void throw_conflict(std::string_view detail, std::optional<std::string> field) {
  throw problem_error(problem{409, "/problems/conflict", "Conflict", std::string(detail),
                              std::move(field), nlohmann::json::object()});
}

void throw_rate_limited(long long retry_after_seconds) {
  throw problem_error(
      problem{429, "/problems/rate-limited", "Too many attempts",
              "Too many failed logins; try again in " + std::to_string(retry_after_seconds) + " s.",
              std::nullopt, nlohmann::json{{"retry_after", retry_after_seconds}}});
}

}  // namespace energy::server::auth
