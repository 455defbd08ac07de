// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <optional>

#include <energy/billing/dated_tariff_cost.hpp>
#include <energy/io/urdb.hpp>
#include <energy/storage/tariffs.hpp>

namespace energy::io {

/// A stored tariff version read as a tariff (`read_urdb` of its document and pointer; the source
/// named in messages is "<source> (building B, effective D, revision R)").
/// @throws energy::parse_error as read_urdb.
[[nodiscard]] urdb_tariff read_tariff_version(const storage::tariff_version& v);

/**
 * The summary cost model of a store's tariff versions: every version of every building of the
 * store, parsed and added to a `billing::dated_tariff_cost` (identity "stored_tariffs").
 * A store without the tariff capability gives a model without versions (flat rates only).
 * @throws energy::parse_error or std::invalid_argument naming the version when a stored document
 *         no longer reads as a priceable tariff (never prices with part of the versions).
 */
[[nodiscard]] billing::dated_tariff_cost stored_tariff_cost(storage::store& s);

/// The cost model every refresh of `s` must be given: its tariff versions (stored_tariff_cost)
/// when the store's summary settings name them (after a tariff version was added), nothing when
/// they name the default flat-rate model. Callers pass `&*model` as `refresh_options::costs`.
/// @throws as stored_tariff_cost.
[[nodiscard]] std::optional<billing::dated_tariff_cost> settings_cost_model(storage::store& s);

}  // namespace energy::io

ENERGY_API_END
