// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <memory>

#include <energy/storage/store.hpp>

namespace energy::storage {

/// A store that lives in process memory: for tests, notebooks and short-lived pipelines.
/// Same contract as the database adapters; "durable" means "in this object" here.
[[nodiscard]] std::unique_ptr<store> open_memory_store();

}  // namespace energy::storage

ENERGY_API_END
