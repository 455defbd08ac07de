// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "db/sql.hpp"

using namespace energy::server;

TEST_CASE("server db: placeholders, NULLs and types round-trip through SQLite") {
  auto c = db::open("sqlite::memory:");
  c->exec("CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, note TEXT)");
  c->exec("INSERT INTO t (note, id, n, x) VALUES ($4, $1, $2, $3)",
          {std::string("a"), std::int64_t{42}, 2.5, db::value{}});
  const auto rows = c->query("SELECT id, n, x, note FROM t WHERE n = $1", {std::int64_t{42}});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].text(0) == "a");
  CHECK(rows[0].integer(1) == 42);
  CHECK(rows[0].real(2) == 2.5);
  CHECK(rows[0].is_null(3));
  CHECK_FALSE(rows[0].opt_text(3).has_value());
}

TEST_CASE("server db: a unique violation is a constraint_violation, not retryable") {
  auto c = db::open("sqlite::memory:");
  c->exec("CREATE TABLE t (id TEXT PRIMARY KEY)");
  c->exec("INSERT INTO t (id) VALUES ($1)", {std::string("a")});
  CHECK_THROWS_AS(c->exec("INSERT INTO t (id) VALUES ($1)", {std::string("a")}),
                  db::constraint_violation);
}

TEST_CASE("server db: a transaction that throws leaves nothing behind") {
  auto c = db::open("sqlite::memory:");
  c->exec("CREATE TABLE t (id TEXT PRIMARY KEY)");
  CHECK_THROWS_AS(c->transaction([](db::connection& tx) {
    tx.exec("INSERT INTO t (id) VALUES ('a')");
    throw std::runtime_error("boom");
  }),
                  std::runtime_error);
  CHECK(c->query("SELECT count(*) FROM t").front().integer(0) == 0);
}

TEST_CASE("server db: migrations apply once per module, in version order") {
  auto c = db::open("sqlite::memory:");
  const db::migration steps[] = {
      {1, "CREATE TABLE a (id TEXT);\nCREATE TABLE b (id TEXT);\n", ""},
      {2, "ALTER TABLE a ADD COLUMN n BIGINT", ""},
  };
  db::migrate(*c, "test", steps);
  db::migrate(*c, "test", steps);  // second run finds nothing to do
  c->exec("INSERT INTO a (id, n) VALUES ('x', 1)");
  CHECK(c->query("SELECT version FROM server_schema WHERE module = 'test'").front().integer(0) ==
        2);
}
