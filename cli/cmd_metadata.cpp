// SPDX-License-Identifier: Apache-2.0
// tenant / building / sensor: create and list the metadata readings hang on.
#include "commands.hpp"
#include "output.hpp"

#include <energy/model.hpp>

#include <fmt/format.h>

#include <charconv>
#include <chrono>

namespace energy::cli {
namespace {

utc_seconds now_utc() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

uuid id_option(const args& a, std::string_view name) {
  const auto text = a.require(name);
  if (auto u = uuid::try_parse(text)) return *u;
  throw usage_error(fmt::format("--{}: '{}' is not a UUID (8-4-4-4-12 hex digits)", name, text));
}

uuid new_or_given_id(const args& a) {
  if (!a.get("id")) return uuid::v7();
  return id_option(a, "id");
}

template <class T>
T number_option(std::string_view name, const std::string& text) {
  T v{};
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || p != end)
    throw usage_error(fmt::format("--{}: '{}' is not a number", name, text));
  return v;
}

std::string_view sub_command(const args& a, std::string_view what) {
  if (a.positionals().size() < 2)
    throw usage_error(fmt::format("usage: energy {} add|list [options]", what));
  return a.positionals()[1];
}

output_format format_of(const args& a) {
  return parse_output_format(a.get_or("format", "table"));
}

}  // namespace

int cmd_tenant(const args& a, storage::store& db) {
  const auto sub = sub_command(a, "tenant");
  if (sub == "add") {
    tenant t{new_or_given_id(a), a.require("name"), now_utc()};
    db.put_tenant(t);
    fmt::print("{}\n", t.id.to_string());
    return 0;
  }
  if (sub == "list") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : db.list_tenants())
      rows.push_back({t.id.to_string(), t.name, format_utc(t.created_at)});
    write_rows(stdout, format_of(a), {"id", "name", "created_at"}, {false, false, false}, rows);
    return 0;
  }
  throw usage_error("usage: energy tenant add --name NAME [--id UUID] | energy tenant list");
}

int cmd_building(const args& a, storage::store& db) {
  const auto sub = sub_command(a, "building");
  if (sub == "add") {
    building b;
    b.id = new_or_given_id(a);
    b.tenant_id = id_option(a, "tenant");
    b.name = a.require("name");
    b.time_zone = a.require("tz");
    if (!is_valid_zone(b.time_zone))
      throw usage_error("--tz: '" + b.time_zone +
                        "' is not an IANA time zone (e.g. America/Chicago)");
    b.address = a.get_or("address", "");
    if (auto v = a.get("sqft")) b.square_footage = number_option<std::int64_t>("sqft", *v);
    b.primary_use = a.get_or("use", "");
    if (auto v = a.get("flat-rate")) {
      auto price = money::parse(*v);
      if (!price) throw usage_error("--flat-rate: '" + *v + "' is not a decimal price per kWh");
      b.flat_rate_per_kwh = *price;
    }
    b.created_at = now_utc();
    db.put_building(b);
    fmt::print("{}\n", b.id.to_string());
    return 0;
  }
  if (sub == "list") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& b : db.list_buildings(id_option(a, "tenant")))
      rows.push_back({b.id.to_string(), b.name, b.time_zone,
                      b.square_footage ? std::to_string(*b.square_footage) : "", b.primary_use,
                      std::to_string(db.list_sensors(b.id).size())});
    write_rows(stdout, format_of(a),
               {"id", "name", "time_zone", "square_footage", "primary_use", "sensor_count"},
               {false, false, false, true, false, true}, rows);
    return 0;
  }
  throw usage_error(
      "usage: energy building add --tenant ID --name NAME --tz ZONE [--address A] [--sqft N] "
      "[--use U] "
      "[--flat-rate PRICE] [--id UUID] | energy building list --tenant ID");
}

int cmd_sensor(const args& a, storage::store& db) {
  const auto sub = sub_command(a, "sensor");
  if (sub == "add") {
    sensor s;
    s.id = new_or_given_id(a);
    s.building_id = id_option(a, "building");
    s.type = enum_option<sensor_type>(a, "type", "electricity");
    s.kind = enum_option<reading_kind>(a, "kind", "interval_energy");
    s.unit = a.get_or("unit", std::string(canonical_unit(s.type)));
    if (auto v = a.get("interval"))
      s.interval_seconds = number_option<std::int32_t>("interval", *v);
    if (s.interval_seconds <= 0)
      throw usage_error("--interval must be a positive number of seconds");
    if (auto v = a.get("max")) s.max_value = number_option<double>("max", *v);
    if (auto v = a.get("register-max")) s.register_max = number_option<double>("register-max", *v);
    s.location = a.get_or("location", "");
    s.is_active = !a.flag("inactive");
    s.created_at = now_utc();
    if (auto v = a.get("created")) {
      // Readings before a sensor existed are rejected, so historical imports need the install date.
      auto t = parse_utc_timestamp(v->size() == 10 ? *v + "T00:00:00Z" : *v);
      if (!t)
        throw usage_error("--created: '" + *v +
                          "' is not YYYY-MM-DD or an RFC 3339 timestamp with offset");
      s.created_at = *t;
    }
    db.put_sensor(s);
    fmt::print("{}\n", s.id.to_string());
    return 0;
  }
  if (sub == "list") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : db.list_sensors(id_option(a, "building")))
      rows.push_back({s.id.to_string(), std::string(to_string(s.type)),
                      std::string(to_string(s.kind)), s.unit, std::to_string(s.interval_seconds),
                      s.location, s.is_active ? "true" : "false"});
    write_rows(stdout, format_of(a),
               {"id", "type", "kind", "unit", "interval_s", "location", "active"},
               {false, false, false, false, true, false, false}, rows);
    return 0;
  }
  throw usage_error(
      "usage: energy sensor add --building ID [--type T] [--kind K] [--unit U] [--interval S] "
      "[--max V] "
      "[--register-max V] [--location L] [--id UUID] [--inactive] | energy sensor list --building "
      "ID");
}

}  // namespace energy::cli
