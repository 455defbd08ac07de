// SPDX-License-Identifier: Apache-2.0
#include "db/sql.hpp"

#include <stdexcept>
#include <string>

namespace energy::server::db {

namespace {

[[noreturn]] void wrong_type(std::size_t i, const char* wanted) {
  throw std::logic_error("column " + std::to_string(i) + " is not " + wanted);
}

}  // namespace

bool row::is_null(std::size_t i) const {
  return std::holds_alternative<std::monostate>(columns_.at(i));
}

std::int64_t row::integer(std::size_t i) const {
  const auto& v = columns_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* s = std::get_if<std::string>(&v)) {
    // PostgreSQL answers in text; SQLite may keep numbers written as text.
    std::size_t used = 0;
    const long long n = std::stoll(*s, &used);
    if (used == s->size()) return n;
  }
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  wrong_type(i, "an integer");
}

double row::real(std::size_t i) const {
  const auto& v = columns_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return std::stod(*s);
  wrong_type(i, "a number");
}

std::string row::text(std::size_t i) const {
  const auto& v = columns_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  wrong_type(i, "text");
}

std::optional<std::int64_t> row::opt_integer(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

std::optional<std::string> row::opt_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

void connection::transaction(const std::function<void(connection&)>& work) {
  constexpr int attempts = 3;
  for (int attempt = 1;; ++attempt) {
    try {
      begin();
      try {
        work(*this);
        commit();
        return;
      } catch (...) {
        rollback();
        throw;
      }
    } catch (const storage_error& e) {
      if (!e.retryable() || attempt == attempts) throw;
    }
  }
}

void migrate(connection& c, std::string_view module, std::span<const migration> steps) {
  c.exec(
      "CREATE TABLE IF NOT EXISTS server_schema (module TEXT PRIMARY KEY, version INTEGER NOT "
      "NULL)");
  c.transaction([&](connection& tx) {
    if (tx.dialect() == dialect::postgresql) {
      // Replicas starting together: one migrates, the others wait and then find nothing to do.
      tx.query("SELECT pg_advisory_xact_lock(7259001)");
    }
    const std::string name(module);
    const auto rows = tx.query("SELECT version FROM server_schema WHERE module = $1", {name});
    std::int64_t current = rows.empty() ? 0 : rows.front().integer(0);
    for (const auto& step : steps) {
      if (step.version <= current) continue;
      const std::string& text = tx.dialect() == dialect::postgresql && !step.postgresql_sql.empty()
                                    ? step.postgresql_sql
                                    : step.sql;
      // Several statements per step are allowed: split on ';' at line ends.
      std::size_t from = 0;
      while (from < text.size()) {
        std::size_t end = text.find(";\n", from);
        if (end == std::string::npos) end = text.size();
        const std::string_view stmt = std::string_view(text).substr(from, end - from);
        if (stmt.find_first_not_of(" \t\r\n") != std::string_view::npos) tx.exec(stmt);
        from = end + 2;
      }
      current = step.version;
    }
    tx.exec(
        "INSERT INTO server_schema (module, version) VALUES ($1, $2) "
        "ON CONFLICT (module) DO UPDATE SET version = excluded.version",
        {name, current});
  });
}

}  // namespace energy::server::db
