// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <span>
#include <vector>

#include <energy/storage/store.hpp>

namespace energy::storage {

/**
 * Optional adapter capability (`adapter::as<bulk_summary_reader>()`) of a store whose calls cost a
 * network round trip (PostgreSQL): answer many summary queries in one call. The aggregation job
 * asks for it and falls back to one `store::read_summaries` per query, which is what in-process
 * stores (memory, SQLite) want.
 *
 * Result `i` holds exactly what `read_summaries(queries[i])` would return, in the same order.
 */
class bulk_summary_reader {
 public:
  virtual ~bulk_summary_reader() = default;
  [[nodiscard]] virtual std::vector<std::vector<summary_row>> read_summaries_many(
      std::span<const summary_query> queries) = 0;

 protected:
  bulk_summary_reader() = default;
  bulk_summary_reader(const bulk_summary_reader&) = default;
  bulk_summary_reader& operator=(const bulk_summary_reader&) = default;
};

/// `reader.read_summaries_many(queries)` when `s` offers the capability, otherwise one
/// `read_summaries` per query.
[[nodiscard]] std::vector<std::vector<summary_row>> read_summaries_many(
    store& s, std::span<const summary_query> queries);

}  // namespace energy::storage

ENERGY_API_END
