// SPDX-License-Identifier: Apache-2.0
// Readings into PostgreSQL with COPY ... FROM STDIN (FORMAT binary), through the libpq connection
// under a pqxx transaction. pqxx 6.4 streams text only: text COPY makes the server parse every
// uuid and timestamptz from characters and the client format them, which the binary format
// skips (its fields are the server's own representations).
#pragma once

#include <string>

#include <pqxx/pqxx>

#include <energy/readings.hpp>

namespace energy::storage::postgres_detail {

/// How the `ts` column is typed in the target table.
enum class copy_ts : bool {
  timestamptz,  ///< `readings.ts`
  epoch_bigint  ///< `staging_readings.ts` (seconds since the epoch)
};

/**
 * Appends `rows` to `table` (columns sensor_id uuid, ts, value bigint, quality integer) with one
 * binary COPY inside `t`. Errors are raised as pqxx raises them for a statement
 * (pqxx::unique_violation, pqxx::check_violation, pqxx::sql_error, pqxx::broken_connection), so
 * the caller's handling of a failed statement applies; the transaction is then aborted as after
 * any failed statement.
 */
void copy_readings_binary(pqxx::dbtransaction& t, const std::string& table,
                          const reading_rows& rows, copy_ts ts_type);

}  // namespace energy::storage::postgres_detail
