// SPDX-License-Identifier: Apache-2.0
// The CLI's commands. Each takes parsed arguments and an open store, prints results to stdout and
// diagnostics to stderr, and returns the process exit code.
#pragma once

#include "args.hpp"

#include <energy/storage/store.hpp>

#include <string>
#include <string_view>

namespace energy::cli {

int cmd_tenant(const args& a, storage::store& db);
int cmd_building(const args& a, storage::store& db);
int cmd_sensor(const args& a, storage::store& db);
/// Opens `uri` itself, so a failure while opening also says that nothing was imported.
int cmd_import(const args& a, std::string_view uri);
int cmd_aggregate(const args& a, storage::store& db);
int cmd_summaries(const args& a, storage::store& db);
int cmd_settings(const args& a, storage::store& db);
int cmd_rebuild(const args& a, storage::store& db);
int cmd_generate(const args& a, storage::store& db);
int cmd_restore(const args& a, storage::store& db);
/// Summaries of reading files without a store; opens `uri` only for metadata (no --sensors).
int cmd_summarize(const args& a, const std::string& uri);
int cmd_report(const args& a, storage::store& db);
int cmd_bill(const args& a, storage::store& db);
int cmd_anomalies(const args& a, storage::store& db);
int cmd_recommend(const args& a, storage::store& db);
/// `baseline fit` and `baseline predict`.
int cmd_baseline(const args& a, storage::store& db);
int cmd_forecast(const args& a, storage::store& db);
/// `greenbutton import` and `greenbutton fetch`.
int cmd_greenbutton(const args& a, storage::store& db);
int cmd_reconcile(const args& a, storage::store& db);
/// `tariff set` and `tariff show`.
int cmd_tariff(const args& a, storage::store& db);

/// The usage of one command (printed by `energy COMMAND --help`), or nullptr when the command
/// has no page of its own (the main usage covers it).
[[nodiscard]] const char* command_usage(std::string_view command) noexcept;
/// Opens the database's retention port itself (not a store): `uri` is the --db URI.
int cmd_retention(const args& a, const std::string& uri);

}  // namespace energy::cli
