// SPDX-License-Identifier: Apache-2.0
#pragma once

/**
 * The store contract suite (SOCI's idea): every check of `energy::storage::store` over an adapter
 * (`energy::storage::adapter`: the suite is that interface's contract) is written once,
 * in store_conformance_*.cpp, against a store handed out by a factory. An adapter's test file
 * instantiates the whole suite with one macro:
 *
 *     #include "conformance/store_conformance.hpp"
 *     ENERGY_STORE_CONFORMANCE("sqlite", [] { return
 * energy::storage::open_sqlite_store(":memory:"); })
 *
 * and links `energy_store_conformance` (and `energy_test_main`, or its own Catch2 main). Every
 * check becomes its own TEST_CASE, named "<adapter> store: <rule>" and tagged
 * `[conformance][<adapter>]`, so CTest lists and reports them one by one.
 *
 * Factory contract: each call returns a store over a NEW, EMPTY database (no tenants, readings,
 * summaries or dirty marks). A check calls the factory once, and destroys the store before it
 * returns. An adapter whose database is external (PostgreSQL) empties or recreates its schema in
 * the factory.
 */

#include <functional>
#include <memory>

#include <catch2/catch.hpp>

#include <energy/storage/store.hpp>

namespace energy::conformance {

using store_factory = std::function<std::unique_ptr<storage::store>()>;

// X-macro: one line per check — the function in store_conformance_*.cpp and the rule it proves.
// Adding a check here adds it to every adapter's test binary. X is called as
// X(adapter, (factory...), check_name, "rule sentence").
#define ENERGY_STORE_CHECKS(X, adapter, ...)                                                      \
  X(adapter, (__VA_ARGS__), tenants_upsert_get_list,                                              \
    "tenants are upserted by id, read back field by field and listed")                            \
  X(adapter, (__VA_ARGS__), buildings_upsert_get_list,                                            \
    "buildings are upserted by id with every field and listed per tenant")                        \
  X(adapter, (__VA_ARGS__), building_with_unknown_zone_is_rejected,                               \
    "a building with an unknown time zone is rejected and not stored")                            \
  X(adapter, (__VA_ARGS__), building_with_unknown_tenant_is_rejected,                             \
    "a building of an unknown tenant is rejected and not stored")                                 \
  X(adapter, (__VA_ARGS__), updating_metadata_keeps_dependents,                                   \
    "updating a tenant or building keeps its buildings, sensors and readings")                    \
  X(adapter, (__VA_ARGS__), sensors_upsert_get_list,                                              \
    "sensors are upserted by id with every field and listed per building and in all")             \
  X(adapter, (__VA_ARGS__), sensor_with_unknown_building_is_rejected,                             \
    "a sensor of an unknown building is rejected and not stored")                                 \
  X(adapter, (__VA_ARGS__), sensor_metadata_that_fails_every_reading_is_rejected,                 \
    "a sensor whose bounds, units or kind would reject every reading is rejected and not stored") \
  X(adapter, (__VA_ARGS__), alert_configs_upsert_list,                                            \
    "alert configs are upserted by id and listed per building")                                   \
  X(adapter, (__VA_ARGS__), alert_config_with_unknown_building_is_rejected,                       \
    "an alert config of an unknown building is rejected")                                         \
  X(adapter, (__VA_ARGS__), write_outcomes_are_counted_exactly,                                   \
    "new rows are inserted, identical re-sends unchanged, different values replaced and flagged " \
    "corrected")                                                                                  \
  X(adapter, (__VA_ARGS__), resending_a_batch_changes_nothing,                                    \
    "re-sending a batch changes no count, value, flag or dirty mark")                             \
  X(adapter, (__VA_ARGS__), a_batch_with_an_unknown_sensor_writes_nothing,                        \
    "a batch with a row for an unknown sensor throws storage_error and writes nothing")           \
  X(adapter, (__VA_ARGS__), empty_writes_are_no_ops,                                              \
    "an empty write returns zero counts and marks nothing dirty")                                 \
  X(adapter, (__VA_ARGS__), read_readings_is_half_open_and_ordered,                               \
    "read_readings returns one sensor's rows in the half-open range ordered by time")             \
  X(adapter, (__VA_ARGS__), read_building_readings_is_ordered_by_sensor_then_time,                \
    "read_building_readings returns the building's rows ordered by sensor id, then time")         \
  X(adapter, (__VA_ARGS__), streamed_readings_equal_the_whole_read,                               \
    "streamed readings come in chunks of 1..chunk_rows that together are exactly the whole read") \
  X(adapter, (__VA_ARGS__), a_streamed_read_stops_when_the_sink_says_so,                          \
    "a streamed read ends when its sink returns false, and a chunk size of 0 is refused")         \
  X(adapter, (__VA_ARGS__), streamed_summaries_equal_the_whole_read,                              \
    "streamed summaries come in bounded chunks that together are exactly read_summaries")         \
  X(adapter, (__VA_ARGS__), sample_states_round_trip,                                             \
    "sample states are written with readings, replaced by later ones and read back exactly")      \
  X(adapter, (__VA_ARGS__), guarded_states_write_only_over_the_state_they_replace,                \
    "a guarded sample state whose stored state moved writes nothing and throws state_conflict")   \
  X(adapter, (__VA_ARGS__), dirty_marks_are_claimed_oldest_first_up_to_the_limit,                 \
    "dirty hours are UTC hours, claimed oldest first, up to the limit, and stay until committed") \
  X(adapter, (__VA_ARGS__), a_large_batch_marks_every_changed_hour,                               \
    "a large batch marks every changed hour exactly once and a commit clears them all")           \
  X(adapter, (__VA_ARGS__), marks_made_after_a_claim_survive_its_commit,                          \
    "dirty marks re-made after a claim survive that claim's commit")                              \
  X(adapter, (__VA_ARGS__), summaries_are_upserted_and_read_by_query,                             \
    "summaries are upserted by key and read by query in period order with exact values")          \
  X(adapter, (__VA_ARGS__), large_and_negative_values_are_exact,                                  \
    "large (1e15 Wh) and negative values are stored and read back exactly")                       \
  X(adapter, (__VA_ARGS__), a_zone_change_invalidates_the_buildings_summaries,                    \
    "a building's new time zone leaves no summary of the old calendar after the next refresh")    \
  X(adapter, (__VA_ARGS__), a_flat_rate_change_reprices_the_buildings_summaries,                  \
    "a building's new flat rate reprices its summaries at the next refresh")                      \
  X(adapter, (__VA_ARGS__), a_sensor_change_invalidates_the_sums_it_joined,                       \
    "a sensor's new type, interval, kind or building is in every summary after the next refresh") \
  X(adapter, (__VA_ARGS__), metadata_changes_that_summaries_ignore_mark_nothing,                  \
    "re-sent metadata and changes of names, bounds or flags mark nothing dirty")                  \
  X(adapter, (__VA_ARGS__), summary_settings_are_stored_and_a_change_invalidates_every_building,  \
    "summary settings are stored, refresh refuses other options, and a change recomputes all")    \
  X(adapter, (__VA_ARGS__), a_rebuild_recomputes_a_buildings_range,                               \
    "a rebuild replaces a building's summaries over a range and leaves the rest")                 \
  X(adapter, (__VA_ARGS__), reads_accept_any_range,                                               \
    "reads over ranges beyond years 0000-9999 (open-ended queries) answer like all_time()")       \
  X(adapter, (__VA_ARGS__), tariff_versions_are_appended_and_listed,                              \
    "tariff versions are appended with increasing revisions, never overwritten, listed by date")  \
  X(adapter, (__VA_ARGS__), a_tariff_version_reprices_exactly_the_days_it_covers,                 \
    "a new tariff version invalidates the local days it prices, and only those")

#define ENERGY_STORE_DECLARE_CHECK_(adapter_, factory_, name_, rule_) \
  void name_(const store_factory& factory);
ENERGY_STORE_CHECKS(ENERGY_STORE_DECLARE_CHECK_, unused, unused)
#undef ENERGY_STORE_DECLARE_CHECK_

}  // namespace energy::conformance

#define ENERGY_STORE_CONFORMANCE_CASE_(adapter_, factory_, name_, rule_)          \
  TEST_CASE(adapter_ " store: " rule_, "[conformance][" adapter_ "]") {           \
    ::energy::conformance::name_(::energy::conformance::store_factory(factory_)); \
  }

/// Instantiates every check as a TEST_CASE for one adapter. `adapter` is a string literal
/// ("sqlite"); the rest is an expression convertible to `store_factory` (commas allowed).
/// Use once per adapter per test binary (TEST_CASE names must be unique).
#define ENERGY_STORE_CONFORMANCE(adapter, ...) \
  ENERGY_STORE_CHECKS(ENERGY_STORE_CONFORMANCE_CASE_, adapter, __VA_ARGS__)
