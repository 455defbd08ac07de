// SPDX-License-Identifier: Apache-2.0
#include "stored_tariff.hpp"

#include <energy/io/stored_tariffs.hpp>
#include <energy/storage/tariffs.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace energy::cli {
namespace {

std::chrono::year_month_day local_date(utc_seconds t, const time_zone& zone) {
  return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(zone.to_local(t))};
}

chosen_tariff chosen_version(const args& a, storage::store& db, const building_context& bc,
                             time_range period) {
  if (auto path = a.get("tariff")) return {io::read_urdb_file(*path), *path};
  auto* port = storage::tariffs_of(db);
  if (!port)
    throw std::runtime_error(fmt::format(
        "--tariff FILE is needed: the {} store keeps no tariff versions", db.adapter_name()));
  const auto versions = port->list_tariff_versions(bc.b.id);
  if (versions.empty())
    throw std::runtime_error(
        "the building has no stored tariff: give --tariff FILE, or store one with 'energy "
        "tariff set --building ID --effective DATE FILE.json' (the CLI never assumes a price)");
  const auto first = local_date(period.start, bc.zone);
  const auto last = local_date(period.end - std::chrono::seconds{1}, bc.zone);
  const auto* version = storage::version_in_effect(versions, first);
  if (!version)
    throw std::runtime_error(fmt::format(
        "no stored tariff is in effect on {} (the first version starts on {}): give --tariff "
        "FILE or start the period later",
        storage::format_date(first), storage::format_date(versions.front().effective)));
  for (const auto& v : versions)
    if (v.effective > first && v.effective <= last)
      throw std::runtime_error(fmt::format(
          "the period {} to {} spans two stored tariff versions (revision {} from {}, revision "
          "{} from {}): a bill is priced by one tariff; split the period at {} or give --tariff",
          storage::format_date(first), storage::format_date(last), version->revision,
          storage::format_date(version->effective), v.revision, storage::format_date(v.effective),
          storage::format_date(v.effective)));
  return {io::read_tariff_version(*version),
          fmt::format("stored revision {} (effective {})", version->revision,
                      storage::format_date(version->effective))};
}

}  // namespace

std::optional<std::vector<std::chrono::year_month_day>> holidays_option(const args& a) {
  const auto text = a.get("holidays");
  if (!text) return std::nullopt;
  std::vector<std::chrono::year_month_day> days;
  if (*text == "none") return days;
  std::size_t from = 0;
  while (from <= text->size()) {
    const auto comma = std::min(text->find(',', from), text->size());
    const auto item = text->substr(from, comma - from);
    const auto day = storage::parse_date(item);
    if (!day)
      throw usage_error(fmt::format(
          "--holidays: '{}' is not a calendar date YYYY-MM-DD (give dates separated by commas, "
          "or 'none')",
          item));
    if (std::find(days.begin(), days.end(), *day) != days.end())
      throw usage_error(fmt::format("--holidays: {} is given twice", item));
    days.push_back(*day);
    from = comma + 1;
  }
  return days;
}

chosen_tariff tariff_for(const args& a, storage::store& db, const building_context& bc,
                         time_range period) {
  auto chosen = chosen_version(a, db, bc, period);
  // Given on the command line, they replace what the stored version says.
  if (auto days = holidays_option(a)) chosen.urdb.tariff.holidays = std::move(days);
  return chosen;
}

aggregate::refresh_options summary_refresh_options(
    storage::store& db, std::optional<billing::dated_tariff_cost>& model) {
  aggregate::refresh_options options;
  model = io::settings_cost_model(db);
  if (model) options.costs = &*model;
  return options;
}

}  // namespace energy::cli
