// SPDX-License-Identifier: Apache-2.0
#include "http/static_files.hpp"

#include <array>
#include <fstream>
#include <system_error>
#include <utility>

#include "http/problems.hpp"

namespace energy::server {

namespace {

constexpr std::uintmax_t max_file_bytes = 16u << 20;

struct media {
  std::string_view extension;
  std::string_view type;
};

constexpr std::array<media, 11> media_types = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".map", "application/json"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
}};

bool accepts_gzip(const request& r) {
  const auto accept = r.header("accept-encoding");
  return accept && accept->find("gzip") != std::string_view::npos;
}

/// The file's bytes, or nullopt when it is absent, not a regular file, too large or unreadable.
std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec) || ec) return std::nullopt;
  const auto size = std::filesystem::file_size(p, ec);
  if (ec || size > max_file_bytes) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) return std::nullopt;
  return bytes;
}

[[noreturn]] void not_found(std::string_view what) {
  throw problem_error(make_problem("/problems/not-found", std::string(what)));
}

response serve(const request& r, const std::filesystem::path& file, std::string_view cache) {
  const auto type = static_content_type(file.filename().string());
  if (!type) not_found("no such dashboard file");
  std::optional<std::string> body;
  bool gzipped = false;
  if (accepts_gzip(r)) {
    body = read_file(file.string() + ".gz");
    gzipped = body.has_value();
  }
  if (!body) body = read_file(file);
  if (!body) {
    not_found(file.filename() == "index.html"
                  ? "the dashboard is not installed here (set ENERGY_DASHBOARD_DIR)"
                  : "no such dashboard file");
  }
  response out;
  out.content_type = std::string(*type);
  out.body = std::move(*body);
  // These replace the API's defaults (no-store, a CSP that loads nothing): see dispatch.cpp.
  out.headers = {{"Cache-Control", std::string(cache)},
                 {"Content-Security-Policy", std::string(dashboard_csp)},
                 {"Vary", "Accept-Encoding"}};
  if (gzipped) out.headers.emplace_back("Content-Encoding", "gzip");
  return out;
}

nlohmann::json file_operation(std::string_view id, std::string_view summary,
                              nlohmann::json parameters) {
  const nlohmann::json problem = {
      {"description",
       "not installed, or no such file (also for any name that is not a plain "
       "file name: no path traversal)"},
      {"content",
       {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  nlohmann::json op = {{"operationId", id},
                       {"tags", {"dashboard"}},
                       {"summary", summary},
                       {"responses",
                        {{"200",
                          {{"description", "the file"},
                           {"content",
                            {{"text/html", {{"schema", {{"type", "string"}}}}},
                             {"text/javascript", {{"schema", {{"type", "string"}}}}},
                             {"text/css", {{"schema", {{"type", "string"}}}}}}}}},
                         {"404", problem}}}};
  if (!parameters.empty()) op["parameters"] = std::move(parameters);
  return op;
}

}  // namespace

std::optional<std::string_view> static_content_type(std::string_view file_name) {
  for (const auto& m : media_types) {
    if (file_name.size() > m.extension.size() && file_name.ends_with(m.extension)) return m.type;
  }
  return std::nullopt;
}

bool is_servable_file_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  if (name.find("..") != std::string_view::npos) return false;
  const auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!plain(name.front())) return false;
  for (const char c : name) {
    if (!plain(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

std::vector<route> dashboard_routes(std::filesystem::path directory) {
  std::vector<route> out;
  out.push_back(route{.method = http_method::get,
                      .pattern = "/",
                      .who = access::public_,
                      .handle =
                          [directory](const request& r, request_context&) {
                            return serve(r, directory / "index.html", "no-cache");
                          },
                      .operation = file_operation(
                          "getDashboard", "The web dashboard's page (sign-in happens in the page)",
                          nlohmann::json::array())});
  out.push_back(
      route{.method = http_method::get,
            .pattern = "/assets/{asset}",
            .who = access::public_,
            .handle =
                [directory](const request& r, request_context&) {
                  const auto it = r.path_params.find("asset");
                  if (it == r.path_params.end() || !is_servable_file_name(it->second))
                    not_found("no such dashboard file");
                  return serve(r, directory / "assets" / it->second,
                               "public, max-age=31536000, immutable");
                },
            .operation = file_operation(
                "getDashboardAsset", "A file of the dashboard's bundle (content-hashed name)",
                nlohmann::json::array({{{"name", "asset"},
                                        {"in", "path"},
                                        {"required", true},
                                        {"description", "file name, e.g. app-3F2A1B.js"},
                                        {"schema", {{"type", "string"}}}}}))});
  return out;
}

}  // namespace energy::server
