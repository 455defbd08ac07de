// SPDX-License-Identifier: Apache-2.0
// The problem documents the auth module answers with (RFC 9457, rendered by the HTTP layer).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace energy::server::auth {

/// 401 "/problems/unauthorized": one body for every credential failure, so the reason (logged
/// server-side) never reaches the caller.
[[noreturn]] void throw_unauthorized();
/// 400 "/problems/validation" naming the field at fault.
[[noreturn]] void throw_invalid(std::string_view detail, std::string field);
/// 404 "/problems/not-found": also what an object of another tenant answers.
[[noreturn]] void throw_missing(std::string_view what);
/// 409 "/problems/conflict".
[[noreturn]] void throw_conflict(std::string_view detail, std::optional<std::string> field = {});
/// 429 "/problems/rate-limited" with the seconds to wait in extension member "retry_after".
[[noreturn]] void throw_rate_limited(long long retry_after_seconds);

}  // namespace energy::server::auth
