// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <energy/storage/store.hpp>

#include <memory>
#include <mutex>
#include <stdexcept>

namespace energy::py {

/// A store as Python holds it. A C++ store belongs to one thread at a time; Python threads may
/// share this object, so every call takes `mutex` (calls that release the GIL still serialise
/// here).
/// close() releases the store (its connection or file) at once; any later call raises
/// ValueError, as Python's own closed files do.
struct store_handle {
  std::unique_ptr<storage::store> store;
  std::mutex mutex;

  /// The open store; call with `mutex` held. @throws std::invalid_argument after close().
  storage::store& open() {
    if (!store) throw std::invalid_argument("Store: this store is closed (open_store() again)");
    return *store;
  }
};

}  // namespace energy::py
