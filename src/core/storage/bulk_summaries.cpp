// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/bulk_summaries.hpp>

namespace energy::storage {

std::vector<std::vector<summary_row>> read_summaries_many(store& s,
                                                          std::span<const summary_query> queries) {
  if (auto* bulk = s.as<bulk_summary_reader>()) return bulk->read_summaries_many(queries);
  std::vector<std::vector<summary_row>> out;
  out.reserve(queries.size());
  for (const auto& q : queries)
    out.push_back(s.read_summaries(q));
  return out;
}

}  // namespace energy::storage
