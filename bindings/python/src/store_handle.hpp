// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <energy/storage/store.hpp>

#include <memory>
#include <mutex>

namespace energy::py {

/// A store as Python holds it. A C++ store belongs to one thread at a time; Python threads may
/// share this object, so every call takes `mutex` (calls that release the GIL still serialise
/// here).
struct store_handle {
  std::unique_ptr<storage::store> store;
  std::mutex mutex;
};

}  // namespace energy::py
