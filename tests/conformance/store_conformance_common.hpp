// SPDX-License-Identifier: Apache-2.0
// What every part of the store contract suite (store_conformance_*.cpp) uses.
#pragma once

#include <cstddef>

#include <energy/storage/store.hpp>

namespace energy::conformance {

using storage::dirty_claim;
using storage::dirty_hour;
using storage::store;
using storage::summary_query;
using storage::write_result;

inline write_result counts(std::size_t inserted, std::size_t unchanged, std::size_t replaced) {
  return write_result{inserted, unchanged, replaced};
}

}  // namespace energy::conformance
