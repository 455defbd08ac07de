// SPDX-License-Identifier: Apache-2.0
// Meter list files: `energy-modbus-meters 1`, then one `meter` line per meter.
#include <fstream>
#include <map>
#include <sstream>

#include <energy/error.hpp>
#include <energy/transport/modbus_poller.hpp>

#include "line_fields.hpp"

namespace energy::modbus {

namespace {

uuid parse_id(const detail::field_reader& in, std::string_view key, const std::string& text) {
  const auto id = uuid::try_parse(text);
  if (!id) in.fail(key, "'" + text + "' is not a UUID");
  return *id;
}

}  // namespace

std::vector<meter> parse_meter_list(std::string_view text, std::string_view source_name,
                                    const std::filesystem::path& base_dir) {
  auto records = detail::split_records(text);
  if (records.empty() || records.front().keyword != "energy-modbus-meters")
    detail::fail(source_name, records.empty() ? 1 : records.front().line, "",
                 "the first line must be 'energy-modbus-meters 1'");
  if (records.front().rest != "1")
    detail::fail(source_name, records.front().line, "",
                 "meter list version '" + records.front().rest + "' is not supported (only 1)");
  std::map<std::filesystem::path, std::shared_ptr<const register_map>> maps;
  std::map<std::string, int> names;
  std::vector<meter> out;
  for (std::size_t i = 1; i < records.size(); ++i) {
    auto& r = records[i];
    if (r.keyword != "meter")
      detail::fail(source_name, r.line, "", "unknown keyword '" + r.keyword + "' (expected meter)");
    if (r.words.empty())
      detail::fail(source_name, r.line, "", "'meter' needs a name: meter NAME ...");
    meter m;
    m.line = r.line;
    m.name = r.words.front();
    r.words.erase(r.words.begin());
    if (const auto [it, fresh] = names.emplace(m.name, r.line); !fresh)
      detail::fail(
          source_name, r.line, "",
          "meter '" + m.name + "' is already listed on line " + std::to_string(it->second));
    detail::field_reader in(source_name, r);
    m.host = in.required("host");
    if (const auto* port = in.optional("port"))
      m.port = static_cast<std::uint16_t>(in.whole("port", *port, 1, 65535));
    if (const auto* unit = in.optional("unit"))
      m.unit_id = static_cast<int>(in.whole("unit", *unit, 0, 255));
    if (const auto* tenant = in.optional("tenant")) m.tenant_id = parse_id(in, "tenant", *tenant);
    const auto& map_name = in.required("map");
    auto path = std::filesystem::path(map_name);
    if (path.is_relative()) path = base_dir / path;
    auto& map = maps[path.lexically_normal()];
    if (!map) {
      try {
        map = std::make_shared<const register_map>(load_register_map(path));
      } catch (const parse_error& e) {
        in.fail("map", e.what());
      }
    }
    m.map = map;
    for (auto& f : r.fields) {
      if (!f.key.starts_with("sensor.")) continue;
      f.used = true;
      const std::string reg = f.key.substr(7);
      if (map->find(reg) == nullptr)
        in.fail(f.key, "map '" + map->name + "' has no register '" + reg + "'");
      for (const auto& b : m.sensors)
        if (b.register_name == reg) in.fail(f.key, "given twice");
      m.sensors.push_back({reg, parse_id(in, f.key, f.value)});
    }
    if (m.sensors.empty())
      in.fail("sensor.REGISTER", "no sensor bound (e.g. sensor." + map->registers.front().name +
                                     "=<sensor uuid>): nothing would be read");
    in.no_unknown_fields();
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<meter> load_meter_list(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw parse_error(file.string() + ": cannot read the meter list");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (64u << 20))
    throw parse_error(file.string() + ": larger than 64 MiB; not a meter list");
  return parse_meter_list(text.str(), file.string(), file.parent_path());
}

}  // namespace energy::modbus
