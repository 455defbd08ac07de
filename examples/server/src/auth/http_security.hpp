// SPDX-License-Identifier: Apache-2.0
// Response headers the HTTP layer adds: security headers on every response, and CORS for the
// configured dashboard origins only. Credentials are bearer tokens (no cookies), so CORS never
// allows credentials and a foreign page cannot ride on a browser session.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/settings.hpp"
#include "http/message.hpp"

namespace energy::server::auth {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Headers for every response (API JSON, problems, health, metrics): nosniff, no framing, a
/// Content-Security-Policy that loads nothing, no referrer, no caching of answers that may hold
/// tokens, and Strict-Transport-Security when `s.hsts`.
[[nodiscard]] header_list security_headers(const settings& s);

/// CORS headers for an actual (non-preflight) request carrying `Origin: origin`: empty when the
/// origin is not configured (the browser then refuses the answer to the page). Always adds
/// `Vary: Origin` when any origin is configured, so caches keep answers per origin.
[[nodiscard]] header_list cors_headers(const settings& s, std::optional<std::string_view> origin);

/**
 * The answer to a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`),
 * which the HTTP layer routes here before authentication (browsers send no credentials with it):
 * 204 with the allowed methods and headers for a configured origin, 403 problem otherwise.
 */
[[nodiscard]] response preflight(const settings& s, std::optional<std::string_view> origin,
                                 std::optional<std::string_view> requested_method);

}  // namespace energy::server::auth
