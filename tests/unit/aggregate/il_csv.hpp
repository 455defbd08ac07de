// SPDX-License-Identifier: Apache-2.0
// Minimal reader of the eemeter sample CSVs (`start,value`, ISO-8601 with offset, kWh) for the
// aggregation tests only: the real importers live in energy::io.
// Data: openeemeter/eemeter sample files, Apache-2.0 (see ../shared/data/PROVENANCE.md).
#pragma once

#include <energy/decimal.hpp>
#include <energy/time.hpp>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace energy::test {

struct csv_point {
  std::string
      start_text;  ///< as in the file, e.g. 2016-11-06T01:00:00-06:00 (its date is the local date)
  utc_seconds start;
  std::optional<milli> value;  ///< nullopt for "nan"
};

/// @throws std::runtime_error naming file and line for anything but `start,value` rows.
inline std::vector<csv_point> read_start_value_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<csv_point> out;
  std::string line;
  std::getline(in, line);  // header
  for (int lineno = 2; std::getline(in, line); ++lineno) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto comma = line.find(',');
    if (comma == std::string::npos)
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": no comma");
    const std::string ts = line.substr(0, comma), val = line.substr(comma + 1);
    const auto t = parse_utc_timestamp(ts);
    if (!t)
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": bad timestamp '" + ts +
                               "'");
    std::optional<milli> v;
    if (val != "nan") {
      v = parse_milli(val);
      if (!v)
        throw std::runtime_error(path + ":" + std::to_string(lineno) + ": bad value '" + val + "'");
    }
    out.push_back({ts, *t, v});
  }
  return out;
}

}  // namespace energy::test
