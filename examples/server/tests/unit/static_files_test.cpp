// SPDX-License-Identifier: Apache-2.0
// The dashboard's static file routes through the dispatcher: content types, caching, gzip copies,
// and path traversal refused before the file system is asked.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "http/dispatch.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "http/worker_pool.hpp"

using namespace energy::server;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string header(const response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

struct site {
  fs::path dir = fs::temp_directory_path() / ("energy-static-" + std::to_string(::getpid()));
  site() {
    write(dir / "index.html", "<!doctype html><title>x</title>");
    write(dir / "assets" / "app-ABC123.js", "console.log(1)");
    write(dir / "assets" / "app-ABC123.js.gz", "GZIPPED");
    write(dir / "assets" / "app-ABC123.css", "body{}");
    write(dir / "secret.txt", "outside assets/");
  }
  ~site() { fs::remove_all(dir); }
};

response get(const fs::path& dir, std::string path, std::string accept_encoding = {}) {
  const router r(dashboard_routes(dir));
  services app;
  dispatcher d(r, app);
  worker_slot slot("sqlite::memory:");
  request req;
  req.request_id = "t";
  const auto m = r.match(http_method::get, path);
  if (m.found == nullptr) return response{.status = 404};
  req.path = path;
  req.path_params = m.path_params;
  if (!accept_encoding.empty()) req.headers.emplace_back("accept-encoding", accept_encoding);
  return d.handle(req, slot);
}

}  // namespace

TEST_CASE(
    "static files: / is index.html, not cached without revalidation, with the dashboard's CSP") {
  site s;
  const auto res = get(s.dir, "/");
  CHECK(res.status == 200);
  CHECK(res.content_type == "text/html; charset=utf-8");
  CHECK(res.body == "<!doctype html><title>x</title>");
  CHECK(header(res, "Cache-Control") == "no-cache");
  CHECK(header(res, "Content-Security-Policy") == dashboard_csp);
}

TEST_CASE("static files: hashed assets are immutable, and the gzip copy is sent when accepted") {
  site s;
  auto res = get(s.dir, "/assets/app-ABC123.js");
  CHECK(res.status == 200);
  CHECK(res.content_type == "text/javascript; charset=utf-8");
  CHECK(res.body == "console.log(1)");
  CHECK(header(res, "Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(header(res, "Content-Encoding").empty());
  res = get(s.dir, "/assets/app-ABC123.js", "gzip, deflate, br");
  CHECK(res.body == "GZIPPED");
  CHECK(header(res, "Content-Encoding") == "gzip");
  res = get(s.dir, "/assets/app-ABC123.css", "gzip");  // no .gz beside it: the plain file
  CHECK(res.status == 200);
  CHECK(res.content_type == "text/css; charset=utf-8");
  CHECK(res.body == "body{}");
}

TEST_CASE("static files: traversal, hidden files, unknown types and missing files answer 404") {
  site s;
  for (const char* path : {"/assets/..%2Fsecret.txt", "/assets/..%2F..%2Fetc%2Fpasswd",
                           "/assets/%2E%2E%2Findex.html", "/assets/.hidden.js", "/assets/app.exe",
                           "/assets/x%00.js", "/assets/missing-1.js", "/assets/app-ABC123.js.gz"}) {
    INFO(path);
    const auto res = get(s.dir, path);
    CHECK(res.status == 404);
    CHECK(res.body.find("outside assets/") == std::string::npos);
  }
  CHECK(get(s.dir / "absent", "/").status == 404);
}

TEST_CASE("static files: only plain file names are servable") {
  CHECK(is_servable_file_name("app-3F2A.js"));
  CHECK(is_servable_file_name("uPlot.min.css"));
  CHECK_FALSE(is_servable_file_name(""));
  CHECK_FALSE(is_servable_file_name("../x.js"));
  CHECK_FALSE(is_servable_file_name("a/b.js"));
  CHECK_FALSE(is_servable_file_name("a..js"));
  CHECK_FALSE(is_servable_file_name(".env"));
  CHECK_FALSE(is_servable_file_name(std::string("a\0.js", 5)));
  CHECK_FALSE(is_servable_file_name(std::string(129, 'a')));
  CHECK(static_content_type("x.js") == "text/javascript; charset=utf-8");
  CHECK_FALSE(static_content_type("x.exe").has_value());
  CHECK_FALSE(static_content_type(".js").has_value());
}
