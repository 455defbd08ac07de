// SPDX-License-Identifier: Apache-2.0
#include "money/coincident_peaks.hpp"

#include <algorithm>
#include <string>

#include <energy/time.hpp>

#include "http/message.hpp"

namespace energy::server::costs {

namespace {

std::string at(std::size_t i, const char* member = nullptr) {
  std::string p = "/coincident_peaks/" + std::to_string(i);
  if (member != nullptr) p += std::string("/") + member;
  return p;
}

billing::coincident_peak_charge read_charge(const nlohmann::json& c, std::size_t i) {
  if (!c.is_object()) throw_unprocessable("a coincident-peak charge must be an object", at(i));
  for (const auto& [key, value] : c.items())
    if (key != "name" && key != "peak_starts" && key != "window_seconds" && key != "price_per_kw")
      throw_unprocessable("unknown member '" + key +
                              "' (accepted: name, peak_starts, window_seconds, price_per_kw)",
                          at(i) + "/" + key);
  billing::coincident_peak_charge out;
  const auto name = c.find("name");
  if (name == c.end() || !name->is_string() || name->get<std::string>().empty())
    throw_unprocessable("name must be a non-empty string, e.g. \"transmission 5CP 2024\"",
                        at(i, "name"));
  out.name = name->get<std::string>();
  if (out.name.size() > 200) throw_unprocessable("name is longer than 200 bytes", at(i, "name"));

  const auto starts = c.find("peak_starts");
  if (starts == c.end() || !starts->is_array() || starts->empty())
    throw_unprocessable(
        "peak_starts must be a non-empty array of the utility's published peak-window starts "
        "(RFC 3339 with an offset)",
        at(i, "peak_starts"));
  if (starts->size() > max_peak_windows)
    throw_unprocessable("more than " + std::to_string(max_peak_windows) + " peak windows",
                        at(i, "peak_starts"));
  for (std::size_t k = 0; k < starts->size(); ++k) {
    const auto& s = (*starts)[k];
    const auto where = at(i, "peak_starts") + "/" + std::to_string(k);
    const auto t = s.is_string() ? parse_utc_timestamp(s.get<std::string>()) : std::nullopt;
    if (!t) throw_unprocessable("not an RFC 3339 timestamp with an offset", where);
    if (!out.peak_starts.empty() && *t <= out.peak_starts.back())
      throw_unprocessable("peak_starts must be strictly ascending", where);
    out.peak_starts.push_back(*t);
  }

  const auto window = c.find("window_seconds");
  if (window != c.end()) {
    if (!window->is_number_integer() || window->get<std::int64_t>() < 1 ||
        window->get<std::int64_t>() > 86400)
      throw_unprocessable("window_seconds must be an integer in 1..86400", at(i, "window_seconds"));
    out.window_seconds = static_cast<std::int32_t>(window->get<std::int64_t>());
  }

  const auto price = c.find("price_per_kw");
  std::optional<money> p;
  if (price != c.end() && price->is_string()) p = money::parse(price->get<std::string>());
  if (price != c.end() && price->is_number()) p = money::from_double(price->get<double>());
  if (!p)
    throw_unprocessable("price_per_kw must be a decimal amount such as \"9.50\" ($/kW)",
                        at(i, "price_per_kw"));
  if (p->micros() < 0)
    throw_unprocessable("price_per_kw must not be negative", at(i, "price_per_kw"));
  out.price = *p;
  return out;
}

}  // namespace

std::vector<billing::coincident_peak_charge> read_coincident_peaks(const nlohmann::json& field) {
  if (!field.is_array())
    throw_unprocessable("coincident_peaks must be an array of charges", "/coincident_peaks");
  if (field.size() > max_coincident_charges)
    throw_unprocessable(
        "more than " + std::to_string(max_coincident_charges) + " coincident-peak charges",
        "/coincident_peaks");
  std::vector<billing::coincident_peak_charge> out;
  for (std::size_t i = 0; i < field.size(); ++i)
    out.push_back(read_charge(field[i], i));
  return out;
}

nlohmann::json to_json(const std::vector<billing::coincident_peak_charge>& charges) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : charges) {
    nlohmann::json starts = nlohmann::json::array();
    for (const auto t : c.peak_starts)
      starts.push_back(format_utc(t));
    out.push_back({{"name", c.name},
                   {"peak_starts", std::move(starts)},
                   {"window_seconds", c.window_seconds},
                   {"price_per_kw", c.price.to_exact_string()}});
  }
  return out;
}

void apply_coincident_peaks(io::urdb_tariff& t,
                            std::vector<billing::coincident_peak_charge> charges) {
  if (charges.empty()) return;
  const auto from_coincident_field = [](const std::string& note) {
    return note.rfind("coincident", 0) == 0;
  };
  std::erase_if(t.unsupported, from_coincident_field);
  std::erase_if(t.tariff.unapplied, from_coincident_field);
  t.tariff.coincident_peaks = std::move(charges);
}

}  // namespace energy::server::costs
