// SPDX-License-Identifier: Apache-2.0
// Register map files: `energy-modbus-map 1`, then `model`, `source` and `register` lines.
#include <energy/transport/modbus_map.hpp>

#include <array>
#include <fstream>
#include <sstream>

#include <energy/error.hpp>
#include <energy/ingest/units.hpp>

#include "core/enum_table.hpp"
#include "line_fields.hpp"

namespace energy::modbus {

namespace {

constexpr auto register_function_names = energy::detail::make_enum_table<register_function>(
    "register_function",
    {{register_function::holding, "holding"}, {register_function::input, "input"}});
constexpr auto register_type_names = energy::detail::make_enum_table<register_type>(
    "register_type", {{register_type::uint16, "uint16"},
                      {register_type::int16, "int16"},
                      {register_type::uint32, "uint32"},
                      {register_type::int32, "int32"},
                      {register_type::float32, "float32"},
                      {register_type::uint64, "uint64"},
                      {register_type::int64, "int64"}});
constexpr auto word_order_names =
    energy::detail::make_enum_table<word_order>("word_order", {{word_order::abcd, "abcd"},
                                                               {word_order::cdab, "cdab"},
                                                               {word_order::badc, "badc"},
                                                               {word_order::dcba, "dcba"}});

}  // namespace

[[maybe_unused]] static constexpr const auto& names_of(register_function) noexcept {
  return register_function_names;
}
[[maybe_unused]] static constexpr const auto& names_of(register_type) noexcept {
  return register_type_names;
}
[[maybe_unused]] static constexpr const auto& names_of(word_order) noexcept {
  return word_order_names;
}

namespace {

template <typename Enum>
Enum pick(const detail::field_reader& in, std::string_view key, const std::string& text) {
  if (const auto e = try_parse<Enum>(text)) return *e;
  std::string accepted;
  for (const auto e : enum_values<Enum>())
    accepted += (accepted.empty() ? "" : ", ") + std::string(to_string(e));
  in.fail(key, "'" + text + "' is not one of " + accepted);
}

/// True when some sensor type accepts `unit` for `kind` (kWh for electricity, m3 for water...).
bool unit_has_meaning(reading_kind kind, std::string_view unit) {
  for (const auto t : {sensor_type::electricity, sensor_type::thermal, sensor_type::gas,
                       sensor_type::water, sensor_type::temperature}) {
    if (ingest::conversion_to_canonical(t, kind, unit)) return true;
  }
  return false;
}

register_spec parse_register(std::string_view source, detail::record& r) {
  detail::field_reader in(source, r);
  register_spec s;
  s.line = r.line;
  if (r.words.empty())
    detail::fail(source, r.line, "", "'register' needs a name: register NAME ...");
  s.name = r.words.front();
  r.words.erase(r.words.begin());
  s.function = pick<register_function>(in, "function", in.required("function"));
  s.type = pick<register_type>(in, "type", in.required("type"));
  const auto& address = in.required("address");
  const auto last = 65536 - static_cast<std::int64_t>(register_count(s.type));
  s.address = static_cast<std::uint16_t>(in.whole("address", address, 0, last));
  if (const auto* order = in.optional("order")) s.order = pick<word_order>(in, "order", *order);
  if (const auto* scale = in.optional("scale")) {
    s.scale = in.number("scale", *scale);
    if (s.scale == 0.0) in.fail("scale", "must not be 0 (every value would read 0)");
  }
  const auto& kind = in.required("kind");
  if (const auto k = try_parse<reading_kind>(kind); k && *k != reading_kind::interval_energy) {
    s.kind = *k;
  } else {
    in.fail("kind", "'" + kind +
                        "' is not one of cumulative_register, instantaneous_power, "
                        "instantaneous_value (a Modbus register is sampled, never an interval)");
  }
  s.unit = in.required("unit");
  if (!unit_has_meaning(s.kind, s.unit))
    in.fail("unit", "'" + s.unit + "' is not a unit the library accepts for " +
                        std::string(to_string(s.kind)) + " (see energy/ingest/units.hpp)");
  in.no_unknown_fields();
  return s;
}

}  // namespace

std::string_view to_string(register_function f) noexcept {
  return register_function_names.name(f);
}
std::string_view to_string(register_type t) noexcept {
  return register_type_names.name(t);
}
std::string_view to_string(word_order o) noexcept {
  return word_order_names.name(o);
}

std::size_t register_count(register_type t) noexcept {
  switch (t) {
    case register_type::uint16:
    case register_type::int16:
      return 1;
    case register_type::uint64:
    case register_type::int64:
      return 4;
    default:
      return 2;
  }
}

const register_spec* register_map::find(std::string_view wanted) const noexcept {
  for (const auto& r : registers)
    if (r.name == wanted) return &r;
  return nullptr;
}

register_map parse_register_map(std::string_view text, std::string_view source_name) {
  register_map map;
  map.name = std::filesystem::path(source_name).stem().string();
  auto records = detail::split_records(text);
  if (records.empty() || records.front().keyword != "energy-modbus-map")
    detail::fail(source_name, records.empty() ? 1 : records.front().line, "",
                 "the first line must be 'energy-modbus-map 1'");
  if (records.front().rest != "1")
    detail::fail(source_name, records.front().line, "",
                 "map format version '" + records.front().rest + "' is not supported (only 1)");
  for (std::size_t i = 1; i < records.size(); ++i) {
    auto& r = records[i];
    if (r.keyword == "model") {
      map.model = r.rest;
    } else if (r.keyword == "source") {
      map.source = r.rest;
    } else if (r.keyword == "register") {
      auto spec = parse_register(source_name, r);
      if (const auto* earlier = map.find(spec.name))
        detail::fail(source_name, r.line, "",
                     "register '" + spec.name + "' is already defined on line " +
                         std::to_string(earlier->line));
      map.registers.push_back(std::move(spec));
    } else {
      detail::fail(source_name, r.line, "",
                   "unknown keyword '" + r.keyword + "' (expected model, source or register)");
    }
  }
  if (map.registers.empty())
    detail::fail(source_name, records.back().line, "", "the map defines no register");
  return map;
}

register_map load_register_map(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw parse_error(file.string() + ": cannot read the register map");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20))
    throw parse_error(file.string() + ": larger than 1 MiB; not a register map");
  return parse_register_map(text.str(), file.string());
}

}  // namespace energy::modbus

template struct energy::detail::enum_names<energy::modbus::register_function>;
template struct energy::detail::enum_names<energy::modbus::register_type>;
template struct energy::detail::enum_names<energy::modbus::word_order>;
