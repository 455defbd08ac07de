// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstdint>
#include <optional>
#include <string>

#include <energy/billing/dated_tariff_cost.hpp>
#include <energy/io/urdb.hpp>
#include <energy/storage/tariffs.hpp>

namespace energy::io {

/// A stored tariff version read as a tariff (`read_urdb` of its document and pointer, with the
/// version's holidays; the source named in messages is "<source> (building B, effective D,
/// revision R)").
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

/// What `add_tariff_version` stored.
struct added_tariff_version {
  std::int64_t revision = 0;  ///< assigned by the store
  urdb_tariff urdb;           ///< the document as read: show `urdb.unsupported` to the user
  /// The store's summary cost model before the add when the add switched it to the stored tariff
  /// versions (every building's summaries are then recomputed by the next refresh); "" when it
  /// already was.
  std::string previous_cost_model;
};

/**
 * Stores `v` (its `urdb_json`, `json_pointer`, `effective`, `source`, `recorded_at`, `holidays`)
 * as the building's newest tariff version, after checking the document reads as a priceable
 * tariff with those holidays, and
 * makes the store's summaries price by its tariff versions: the summary cost model is switched to
 * `dated_tariff_cost` first (re-marking every building once), so a failure in between leaves
 * nothing stale. The CLI's `tariff set` and the Python `Store.add_tariff_version` share it.
 * @throws energy::parse_error when the document does not read, std::invalid_argument when it is
 *         not priceable, a holiday is not a calendar date or repeats, the building does not
 *         exist or the date is not a calendar date (all
 *         before anything changes); std::runtime_error when the store keeps no tariff versions;
 *         storage_error as the store's writes.
 */
added_tariff_version add_tariff_version(storage::store& s, const storage::tariff_version& v);

}  // namespace energy::io

ENERGY_API_END
