// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL store's metadata: tenants, buildings, sensors, alert configurations, tariffs.
#include "postgres_store.hpp"

namespace energy::storage {

using namespace postgres_detail;

void postgres_store::put_tenant(const tenant& t) {
  in_write_tx("put_tenant", [&](pqxx::dbtransaction& w) {
    w.exec_prepared0("put_tenant", t.id.to_string(), t.name, to_epoch(t.created_at));
  });
}

std::optional<tenant> postgres_store::get_tenant(const uuid& id) {
  return read_one<tenant>("get_tenant", tenant_from, id.to_string());
}

std::vector<tenant> postgres_store::list_tenants() {
  return read_all<tenant>("list_tenants", tenant_from);
}

void postgres_store::put_building(const building& b) {
  (void)find_zone(b.time_zone);  // invalid_argument naming the zone
  in_write_tx("put_building", [&](pqxx::dbtransaction& w) {
    const auto old = w.exec_prepared("get_building", b.id.to_string());
    try {
      w.exec_prepared0("put_building", b.id.to_string(), b.tenant_id.to_string(), b.name, b.address,
                       b.square_footage, b.primary_use, b.time_zone,
                       b.flat_rate_per_kwh
                           ? std::optional<std::int64_t>(b.flat_rate_per_kwh->micros())
                           : std::nullopt,
                       to_epoch(b.created_at));
    } catch (const pqxx::foreign_key_violation&) {
      throw std::invalid_argument("building " + b.id.to_string() + ": unknown tenant " +
                                  b.tenant_id.to_string());
    }
    if (!old.empty() && affects_summaries(building_from(old[0]), b))
      invalidate(w, b.id, all_time());
  });
}

std::optional<building> postgres_store::get_building(const uuid& id) {
  return read_one<building>("get_building", building_from, id.to_string());
}

std::vector<building> postgres_store::list_buildings(const uuid& tenant_id) {
  return read_all<building>("list_buildings", building_from, tenant_id.to_string());
}

void postgres_store::put_sensor(const sensor& s) {
  ingest::check_sensor_metadata(s);
  in_write_tx("put_sensor", [&](pqxx::dbtransaction& w) {
    const auto old = w.exec_prepared("get_sensor", s.id.to_string());
    const std::optional<sensor> before =
        old.empty() ? std::nullopt : std::optional<sensor>(sensor_from(old[0]));
    const bool stale = before && affects_summaries(*before, s);
    // A sensor that moves leaves stale sums in its old building: invalidate that one while the
    // sensor still belongs to it, so its readings and sensor summaries count there.
    if (stale && before->building_id != s.building_id)
      invalidate(w, before->building_id, all_time());
    try {
      w.exec_prepared0("put_sensor", s.id.to_string(), s.building_id.to_string(),
                       std::string(to_string(s.type)), std::string(to_string(s.kind)), s.unit,
                       s.location, s.interval_seconds, s.max_value, s.register_max, s.is_active,
                       to_epoch(s.created_at));
    } catch (const pqxx::foreign_key_violation&) {
      throw std::invalid_argument("sensor " + s.id.to_string() + ": unknown building " +
                                  s.building_id.to_string());
    }
    if (stale) invalidate(w, s.building_id, all_time());
  });
  known_sensors_.insert(s.id);
}

std::optional<sensor> postgres_store::get_sensor(const uuid& id) {
  return read_one<sensor>("get_sensor", sensor_from, id.to_string());
}

std::vector<sensor> postgres_store::list_sensors(const uuid& building_id) {
  return read_all<sensor>("list_sensors", sensor_from, building_id.to_string());
}

std::vector<sensor> postgres_store::list_all_sensors() {
  return read_all<sensor>("list_all_sensors", sensor_from);
}

void postgres_store::put_alert_config(const alert_config& a) {
  in_write_tx("put_alert_config", [&](pqxx::dbtransaction& w) {
    try {
      w.exec_prepared0("put_alert", a.id.to_string(), a.building_id.to_string(), a.threshold,
                       std::string(to_string(a.window)), a.notification_email, a.is_enabled);
    } catch (const pqxx::foreign_key_violation&) {
      throw std::invalid_argument("alert config " + a.id.to_string() + ": unknown building " +
                                  a.building_id.to_string());
    }
  });
}

std::vector<alert_config> postgres_store::list_alert_configs(const uuid& building_id) {
  return read_all<alert_config>(
      "list_alerts",
      [](const pqxx::row& r) {
        alert_config a;
        a.id = to_uuid(r[0]);
        a.building_id = to_uuid(r[1]);
        a.threshold = r[2].as<std::int64_t>();
        a.window = stored_enum<alert_window>(r[3].as<std::string>());
        a.notification_email = r[4].as<std::string>();
        a.is_enabled = r[5].as<bool>();
        return a;
      },
      building_id.to_string());
}

std::int64_t postgres_store::add_tariff_version(const tariff_version& v) {
  check_new_tariff_version(v);
  std::int64_t revision = 0;
  in_write_tx("add_tariff_version", [&](pqxx::dbtransaction& w) {
    // The row lock serialises concurrent uploads for one building (revision = max + 1).
    const auto b = w.exec_params("SELECT time_zone FROM buildings WHERE id = $1 FOR UPDATE",
                                 v.building_id.to_string());
    if (b.empty())
      throw std::invalid_argument("add_tariff_version: unknown building " +
                                  v.building_id.to_string());
    const auto existing = read_tariff_versions(w, v.building_id);
    revision = 1;
    for (const auto& e : existing)
      revision = std::max(revision, e.revision + 1);
    // NULL holidays: not known.
    const std::optional<std::string> holidays =
        v.holidays ? std::optional<std::string>(format_date_list(*v.holidays)) : std::nullopt;
    w.exec_params0(
        "INSERT INTO tariff_versions (building_id, revision, effective, recorded_at, source,"
        " json_pointer, urdb_json, holidays) VALUES ($1, $2, $3::date, to_timestamp($4), $5, $6,"
        " $7, $8)",
        v.building_id.to_string(), revision, format_date(v.effective), to_epoch(v.recorded_at),
        v.source, v.json_pointer, v.urdb_json, holidays);
    invalidate(w, v.building_id,
               tariff_change_range(existing, v.effective, find_zone(b[0][0].c_str())));
  });
  return revision;
}

std::vector<tariff_version> postgres_store::list_tariff_versions(const uuid& building_id) {
  return in_read_tx("list_tariff_versions",
                    [&](pqxx::dbtransaction& t) { return read_tariff_versions(t, building_id); });
}

std::vector<tariff_version> postgres_store::read_tariff_versions(pqxx::transaction_base& t,
                                                                 const uuid& building_id) {
  std::vector<tariff_version> out;
  for (const auto& r :
       t.exec_params("SELECT revision, to_char(effective, 'YYYY-MM-DD'),"
                     " extract(epoch FROM recorded_at)::bigint, source, json_pointer, urdb_json,"
                     " holidays FROM tariff_versions WHERE building_id = $1"
                     " ORDER BY effective, revision",
                     building_id.to_string())) {
    tariff_version v;
    v.building_id = building_id;
    v.revision = r[0].as<std::int64_t>();
    const auto day = parse_date(r[1].c_str());
    if (!day)
      throw storage_error(
          std::string("postgres: tariff_versions holds effective date '") + r[1].c_str() + "'",
          false);
    v.effective = *day;
    v.recorded_at = from_epoch(r[2].as<std::int64_t>());
    v.source = r[3].as<std::string>();
    v.json_pointer = r[4].as<std::string>();
    v.urdb_json = r[5].as<std::string>();
    if (!r[6].is_null()) {
      v.holidays = parse_date_list(r[6].c_str());
      if (!v.holidays)
        throw storage_error(std::string("postgres: tariff_versions holds holidays '") +
                                r[6].c_str() + "', not YYYY-MM-DD dates separated by commas",
                            false);
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace energy::storage
