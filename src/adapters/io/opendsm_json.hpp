// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private to the io adapter: what the readers of eemeter 4 / OpenDSM documents (daily and hourly
// models) share — errors naming the document and field, settings keys as eemeter compares them,
// and the `info` block.

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/error.hpp>
#include <energy/time.hpp>

namespace energy::io::detail {

/// parse_error "<kind>: field '<field>' <why>" (no field part when `field` is empty).
[[noreturn]] inline void opendsm_fail(const char* kind, const std::string& field,
                                      const std::string& why) {
  throw parse_error(std::string(kind) + ": " + (field.empty() ? "" : "field '" + field + "' ") +
                    why);
}

/// eemeter's settings lower-case and strip keys and values.
inline std::string normalized(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  s.erase(0, b);
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The value of `name` in a settings object (keys compared after normalization), or nullptr;
/// `key_out` gets the key as written, for error messages.
inline const nlohmann::json* setting(const nlohmann::json& obj, std::string_view name,
                                     std::string& key_out) {
  for (const auto& [k, v] : obj.items())
    if (normalized(k) == name) {
      key_out = k;
      return &v;
    }
  return nullptr;
}

/**
 * The document's `info` block: refuses a `baseline_timezone` that is a known IANA zone other
 * than `zone` (eemeter predicts only in the zone it was fitted in; names that are not IANA
 * zones, e.g. pytz fixed offsets, cannot be compared and pass), and returns the names of its
 * disqualifications ("?" for one without a qualified_name). Absent or null `info`: none.
 */
inline std::vector<std::string> read_opendsm_info(const nlohmann::json& doc, const time_zone& zone,
                                                  const char* kind) {
  std::vector<std::string> disqualification;
  const auto it = doc.find("info");
  if (it == doc.end() || it->is_null()) return disqualification;
  if (!it->is_object()) opendsm_fail(kind, "info", "is not an object");
  const nlohmann::json& info = *it;
  if (const auto tz = info.find("baseline_timezone"); tz != info.end() && tz->is_string()) {
    const std::string name = tz->get<std::string>();
    if (is_valid_zone(name) && !(time_zone{name} == zone))
      opendsm_fail(kind, "info.baseline_timezone",
                   "is '" + name + "' but the building's zone is '" + std::string(zone.name()) +
                       "' (eemeter predicts only in the zone it was fitted in)");
  }
  if (const auto dq = info.find("disqualification"); dq != info.end() && dq->is_array()) {
    for (const auto& w : *dq) {
      if (w.is_object() && w.contains("qualified_name") && w["qualified_name"].is_string())
        disqualification.push_back(w["qualified_name"].get<std::string>());
      else
        disqualification.push_back("?");
    }
  }
  return disqualification;
}

}  // namespace energy::io::detail
