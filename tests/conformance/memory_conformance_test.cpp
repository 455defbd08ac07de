// SPDX-License-Identifier: Apache-2.0
// The in-memory adapter against the store contract.
#include "conformance/store_conformance.hpp"

#include <energy/storage/memory.hpp>

ENERGY_STORE_CONFORMANCE("memory", [] { return energy::storage::open_memory_store(); })
