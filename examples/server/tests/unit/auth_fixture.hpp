// SPDX-License-Identifier: Apache-2.0
// A real auth service over in-memory SQLite (server tables and library store), a clock the test
// moves, and a request_context so route handlers can be called as the HTTP layer would.
#pragma once

#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <energy/storage/open.hpp>

#include "app/services.hpp"
#include "auth/access.hpp"
#include "auth/service.hpp"
#include "db/sql.hpp"
#include "http/context.hpp"

namespace energy::server::auth::testing {

class context final : public request_context {
 public:
  context(db::connection& db, storage::store& store, std::optional<principal> who)
      : db_(db), store_(store), who_(std::move(who)) {}
  const principal& who() const override {
    if (!who_) throw std::logic_error("no caller");
    return *who_;
  }
  const principal* maybe_who() const noexcept override { return who_ ? &*who_ : nullptr; }
  storage::store& store() override { return store_; }
  db::connection& db() override { return db_; }
  services& app() override { return services_; }

 private:
  db::connection& db_;
  storage::store& store_;
  std::optional<principal> who_;
  services services_;
};

/// Where a fixture keeps its data: private in-memory SQLite databases, or (in the PostgreSQL build
/// of these tests, under the CTest fixture's throwaway server) a fresh database per fixture.
inline std::string test_database_uri() {
#ifdef ENERGY_AUTH_TESTS_ON_POSTGRES
  const char* dir = std::getenv("ENERGY_TEST_SERVERS");
  if (dir == nullptr) throw std::runtime_error("ENERGY_TEST_SERVERS is not set (CTest fixture)");
  std::ifstream in(std::string(dir) + "/postgres/postgres.uri");
  std::string uri;
  if (!std::getline(in, uri)) throw std::runtime_error("no postgres.uri in ENERGY_TEST_SERVERS");
  std::string name = "auth_" + uuid::v7().to_string();
  std::erase(name, '-');
  db::open(uri)->exec("CREATE DATABASE " + name);
  return uri.substr(0, uri.rfind('/') + 1) + name;
#else
  return "sqlite::memory:";
#endif
}

inline settings fast_settings() {
  settings s;
  s.argon2_memory_kib = 256;  // tests hash many passwords; production default is 19 MiB
  s.argon2_passes = 1;
  s.admin_email = "root@example.com";
  s.admin_password = "root-password-123";
  return s;
}

struct fixture {
  std::string uri = test_database_uri();
  std::unique_ptr<storage::store> store = storage::open_store_uri(uri);
  std::unique_ptr<db::connection> db = db::open(uri);
  epoch_seconds clock = 1'800'000'000;
  service auth;
  std::vector<route> table;

  explicit fixture(settings s = fast_settings())
      : auth(std::move(s), *db, [this] { return clock; }), table(routes(auth)) {}

  request make(http_method m, std::string path, std::string body = {},
               std::optional<std::string> bearer = {}) {
    request r;
    r.method = m;
    r.path = std::move(path);
    r.body = std::move(body);
    r.request_id = "test";
    r.remote_address = "192.0.2.1";
    if (bearer) r.headers.emplace_back("authorization", "Bearer " + *bearer);
    return r;
  }

  /// Finds the route, fills path parameters, authenticates and checks access like the HTTP layer,
  /// and runs the handler; a problem_error becomes a response with its status and type.
  response call(http_method m, const std::string& path, const std::string& body = {},
                const std::optional<std::string>& bearer = {},
                const std::multimap<std::string, std::string>& query = {}) {
    request r = make(m, path, body, bearer);
    r.query = query;
    try {
      const route* found = nullptr;
      for (const auto& rt : table) {
        if (rt.method == m && matches(rt.pattern, path, r.path_params)) found = &rt;
      }
      if (found == nullptr) throw std::logic_error("no route " + path);
      auto who = auth.authenticate(r, *db);
      if (found->who != access::public_) {
        if (!who) return status_only(401, "/problems/unauthorized");
        if (!allows(found->who, *who)) return status_only(403, "/problems/forbidden");
      }
      context ctx(*db, *store, who);
      return found->handle(r, ctx);
    } catch (const problem_error& e) {
      return status_only(e.get().status, e.get().type);
    }
  }

  static response status_only(int status, const std::string& type) {
    response out;
    out.status = status;
    out.body = nlohmann::json{{"type", type}}.dump();
    return out;
  }

  static bool matches(const std::string& pattern, const std::string& path,
                      std::map<std::string, std::string>& params) {
    std::size_t p = 0, q = 0;
    std::map<std::string, std::string> found;
    while (p < pattern.size() && q <= path.size()) {
      if (pattern[p] == '{') {
        const auto close = pattern.find('}', p);
        const auto slash = path.find('/', q);
        const auto end = slash == std::string::npos ? path.size() : slash;
        found[pattern.substr(p + 1, close - p - 1)] = path.substr(q, end - q);
        p = close + 1;
        q = end;
      } else {
        if (q >= path.size() || pattern[p] != path[q]) return false;
        ++p;
        ++q;
      }
    }
    if (p != pattern.size() || q != path.size()) return false;
    params = std::move(found);
    return true;
  }

  /// Logs in and returns the access token. @throws problem_error on failure.
  token_pair login(const std::string& email, const std::string& password) {
    return auth.login(*db, email, password, "192.0.2.1");
  }
};

inline nlohmann::json body_of(const response& r) {
  return nlohmann::json::parse(r.body);
}

}  // namespace energy::server::auth::testing
