// SPDX-License-Identifier: Apache-2.0
#include <energy/io/stored_tariffs.hpp>

#include <stdexcept>
#include <string>

namespace energy::io {
namespace {

std::string describe(const storage::tariff_version& v) {
  return (v.source.empty() ? std::string("stored tariff") : v.source) + " (building " +
         v.building_id.to_string() + ", effective " + storage::format_date(v.effective) +
         ", revision " + std::to_string(v.revision) + ")";
}

}  // namespace

urdb_tariff read_tariff_version(const storage::tariff_version& v) {
  auto out = read_urdb(v.urdb_json, describe(v), v.json_pointer);
  out.tariff.holidays = v.holidays;  // the document never carries them
  return out;
}

billing::dated_tariff_cost stored_tariff_cost(storage::store& s) {
  billing::dated_tariff_cost model;
  auto* port = storage::tariffs_of(s);
  if (!port) return model;
  for (const auto& t : s.list_tenants())
    for (const auto& b : s.list_buildings(t.id))
      // Ordered by (effective, revision): a later revision of a date replaces the earlier one.
      for (const auto& v : port->list_tariff_versions(b.id)) {
        try {
          model.add_version(b.id, v.effective, read_tariff_version(v).tariff);
        } catch (const std::invalid_argument& e) {
          throw std::invalid_argument(describe(v) + ": " + e.what());
        }
      }
  return model;
}

std::optional<billing::dated_tariff_cost> settings_cost_model(storage::store& s) {
  if (s.get_summary_settings().cost_model != billing::dated_tariff_cost::identity_text)
    return std::nullopt;
  return stored_tariff_cost(s);
}

added_tariff_version add_tariff_version(storage::store& s, const storage::tariff_version& v) {
  auto* port = storage::tariffs_of(s);
  if (!port)
    throw std::runtime_error("the " + std::string(s.adapter_name()) +
                             " store keeps no tariff versions");
  // Everything that can refuse the version is checked before the settings change, so a refused
  // add leaves the store exactly as it was.
  if (!s.get_building(v.building_id))
    throw std::invalid_argument("add_tariff_version: unknown building " +
                                v.building_id.to_string());
  if (!v.effective.ok())
    throw std::invalid_argument("add_tariff_version: the effective date is not a calendar date");
  added_tariff_version out;
  out.urdb = read_urdb(v.urdb_json, v.source.empty() ? "<tariff>" : v.source, v.json_pointer);
  out.urdb.tariff.holidays = v.holidays;
  out.urdb.tariff.validate();  // also refuses an invalid or repeated holiday
  auto settings = s.get_summary_settings();
  if (settings.cost_model != billing::dated_tariff_cost::identity_text) {
    out.previous_cost_model = settings.cost_model;
    settings.cost_model = billing::dated_tariff_cost::identity_text;
    s.set_summary_settings(settings);
  }
  out.revision = port->add_tariff_version(v);
  return out;
}

}  // namespace energy::io
