// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string_view>

#include <energy/storage/store.hpp>

namespace energy::cli {

/// Opens the store a --db URI names: "sqlite:PATH", a bare path (SQLite), "memory:", or
/// "postgresql://..." / "postgres://..." when the PostgreSQL adapter is built.
/// @throws usage_error for an unsupported scheme.
[[nodiscard]] std::unique_ptr<storage::store> open_store_uri(std::string_view uri);

}  // namespace energy::cli
