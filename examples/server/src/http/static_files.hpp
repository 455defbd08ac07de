// SPDX-License-Identifier: Apache-2.0
// The web dashboard's files, served from a directory (ENERGY_DASHBOARD_DIR): GET / answers
// index.html and GET /assets/{asset} the bundle's files. Only flat file names of known types are
// served, so no request can name a file outside the directory (path traversal is refused as 404).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace energy::server {

/// Content-Security-Policy of the dashboard's pages: scripts, styles, images and API calls from
/// this origin only (the bundle has no inline script or style element), no framing.
inline constexpr std::string_view dashboard_csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

/// The media type served for a file name, by extension; nullopt for a type not served.
[[nodiscard]] std::optional<std::string_view> static_content_type(std::string_view file_name);

/// True when `name` is a plain file name the server may serve: 1-128 characters of letters,
/// digits, '.', '_' and '-', starting with a letter or digit, no "..". Anything else (a '/', a
/// percent-decoded "../", a NUL) is refused before the file system is asked.
[[nodiscard]] bool is_servable_file_name(std::string_view name);

/**
 * The routes GET / and GET /assets/{asset} over `directory` (public: the pages sign in through
 * the API). Files are read per request (at most 16 MiB each), so an upgraded bundle is served
 * without a restart. index.html is sent with `Cache-Control: no-cache`; files under assets/ have a
 * content hash in their name and are sent as immutable for a year. When the client accepts gzip
 * and `<file>.gz` exists beside the file, that is sent with `Content-Encoding: gzip`. A missing
 * directory or file answers 404 (problem document); never throws out of a handler otherwise.
 */
[[nodiscard]] std::vector<route> dashboard_routes(std::filesystem::path directory);

}  // namespace energy::server
