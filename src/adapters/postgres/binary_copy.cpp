// SPDX-License-Identifier: Apache-2.0
#include "binary_copy.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

#include <libpq-fe.h>

#include "postgres_rows.hpp"

namespace energy::storage::postgres_detail {
namespace {

/// pqxx 6.4 keeps its libpq connection to itself; large objects reach it through this protected
/// static, the one documented way to get at it from a transaction.
struct libpq_of : pqxx::largeobject {
  static PGconn* connection(const pqxx::dbtransaction& t) { return raw_connection(t); }
};

constexpr std::int64_t postgres_epoch =
    946'684'800;  // 2000-01-01T00:00:00Z, binary timestamps' zero

void put16(std::string& b, std::uint16_t v) {
  const char c[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  b.append(c, 2);
}
void put32(std::string& b, std::uint32_t v) {
  const char c[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  b.append(c, 4);
}
void put64(std::string& b, std::uint64_t v) {
  put32(b, static_cast<std::uint32_t>(v >> 32));
  put32(b, static_cast<std::uint32_t>(v));
}

/// The error of a failed COPY as pqxx would raise it for the statement.
[[noreturn]] void raise(PGresult* r, PGconn* c, const std::string& sql) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  const std::string code = state ? state : "";
  if (r) PQclear(r);
  if (PQstatus(c) != CONNECTION_OK) throw pqxx::broken_connection(message);
  if (code == "23505") throw pqxx::unique_violation(message, sql, code.c_str());
  if (code == "23514") throw pqxx::check_violation(message, sql, code.c_str());
  if (code.starts_with("23"))
    throw pqxx::integrity_constraint_violation(message, sql, code.c_str());
  throw pqxx::sql_error(message, sql, code.empty() ? nullptr : code.c_str());
}

}  // namespace

void copy_readings_binary(pqxx::dbtransaction& t, const std::string& table,
                          const reading_rows& rows, copy_ts ts_type) {
  PGconn* c = libpq_of::connection(t);
  const std::string sql =
      "COPY " + table + " (sensor_id, ts, value, quality) FROM STDIN (FORMAT binary)";
  PGresult* start = PQexec(c, sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) raise(start, c, sql);
  PQclear(start);

  // Header: signature, flags, header extension length. Each tuple: field count, then each field's
  // length and its bytes in network order. Trailer: -1.
  constexpr std::string_view signature{"PGCOPY\n\377\r\n\0", 11};
  constexpr std::size_t flush_bytes = 1 << 20;
  std::string b;
  b.reserve(std::min<std::size_t>(flush_bytes + 64, 19 + rows.size() * 54));
  b.append(signature);
  put32(b, 0);
  put32(b, 0);
  bool sent = true;
  const auto flush = [&] {
    if (sent && !b.empty()) sent = PQputCopyData(c, b.data(), static_cast<int>(b.size())) == 1;
    b.clear();
  };
  for (std::size_t i = 0; i < rows.size() && sent; ++i) {
    put16(b, 4);
    put32(b, 16);
    const auto& id = rows.sensor_id[i].bytes();
    b.append(reinterpret_cast<const char*>(id.data()), id.size());
    put32(b, 8);
    const std::int64_t ts =
        ts_type == copy_ts::timestamptz ? (rows.ts[i] - postgres_epoch) * 1'000'000 : rows.ts[i];
    put64(b, static_cast<std::uint64_t>(ts));
    put32(b, 8);
    put64(b, static_cast<std::uint64_t>(rows.value[i]));
    put32(b, 4);
    put32(b, static_cast<std::uint32_t>(to_db_quality(rows.quality[i])));
    if (b.size() >= flush_bytes) flush();
  }
  put16(b, 0xffff);
  flush();
  if (!sent || PQputCopyEnd(c, nullptr) != 1) {
    // The connection failed while sending: drain what the server says, then report it.
    PGresult* r = PQgetResult(c);
    raise(r, c, sql);
  }
  PGresult* last = nullptr;
  bool failed = false;
  PGresult* failure = nullptr;
  while ((last = PQgetResult(c)) != nullptr) {
    if (PQresultStatus(last) != PGRES_COMMAND_OK && !failed) {
      failed = true;
      failure = last;
      continue;
    }
    PQclear(last);
  }
  if (failed) raise(failure, c, sql);
}

}  // namespace energy::storage::postgres_detail
