// SPDX-License-Identifier: Apache-2.0
// What the two bare SQLite reference programs share (bare_csv_import.cpp, chunked_csv_import.cpp):
// sqlite3 error checks and a readings CSV read by hand (sensor UUID, `YYYY-MM-DDTHH:MM:SSZ`,
// decimal kWh to exact Wh), without the library's validation. Bench code, not the library's.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include <energy/uuid.hpp>

namespace bare_csv {

inline void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

inline void exec(sqlite3* db, const std::string& sql) {
  check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db, sql.c_str());
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

inline unsigned digits(std::string_view s, std::size_t at, std::size_t n) {
  unsigned v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') throw std::runtime_error("bad digit in '" + std::string(s) + "'");
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return v;
}

/// `YYYY-MM-DDTHH:MM:SSZ` to epoch seconds (the only form the benchmarks' files hold).
inline std::int64_t parse_ts(std::string_view s) {
  if (s.size() != 20 || s[19] != 'Z')
    throw std::runtime_error("bad timestamp '" + std::string(s) + "'");
  return days_from_civil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)) * 86400 +
         digits(s, 11, 2) * 3600 + digits(s, 14, 2) * 60 + digits(s, 17, 2);
}

/// A non-negative decimal kWh with at most three decimals to exact Wh.
inline std::int64_t parse_milli(std::string_view s) {
  std::int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool point = false;
  for (char c : s) {
    if (c == '.') {
      point = true;
    } else if (c >= '0' && c <= '9') {
      if (!point) {
        whole = whole * 10 + (c - '0');
      } else if (frac_digits < 3) {
        frac = frac * 10 + (c - '0');
        ++frac_digits;
      }
    } else if (c != '\r') {
      throw std::runtime_error("bad value '" + std::string(s) + "'");
    }
  }
  for (; frac_digits < 3; ++frac_digits)
    frac *= 10;
  return whole * 1000 + frac;
}

struct row_values {
  std::array<std::uint8_t, 16> sensor;
  std::int64_t ts;
  std::int64_t value;
};

/// Calls `row` for every data line of a readings CSV (header skipped), reading 1 MiB blocks.
inline void read_csv(const char* path, const std::function<void(const row_values&)>& row) {
  std::FILE* in = std::fopen(path, "rb");
  if (!in) throw std::runtime_error(std::string("cannot open ") + path);
  std::string buffer(1 << 20, '\0'), carry;
  bool header = true;
  const auto line = [&](std::string_view l) {
    if (header) {
      header = false;
      return;
    }
    if (l.empty()) return;
    const std::size_t c1 = l.find(','), c2 = l.find(',', c1 + 1);
    if (c1 == std::string_view::npos || c2 == std::string_view::npos)
      throw std::runtime_error("bad line '" + std::string(l) + "'");
    const auto id = energy::uuid::try_parse(l.substr(0, c1));
    if (!id) throw std::runtime_error("bad sensor id in '" + std::string(l) + "'");
    row_values r{};
    std::memcpy(r.sensor.data(), id->bytes().data(), 16);
    r.ts = parse_ts(l.substr(c1 + 1, c2 - c1 - 1));
    r.value = parse_milli(l.substr(c2 + 1));
    row(r);
  };
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), in);
    if (n == 0) break;
    std::string_view block(buffer.data(), n);
    std::size_t start = 0;
    for (std::size_t nl = block.find('\n'); nl != std::string_view::npos;
         nl = block.find('\n', start)) {
      if (!carry.empty()) {
        carry.append(block.substr(start, nl - start));
        line(carry);
        carry.clear();
      } else {
        line(block.substr(start, nl - start));
      }
      start = nl + 1;
    }
    carry.append(block.substr(start));
  }
  if (!carry.empty()) line(carry);
  std::fclose(in);
}

}  // namespace bare_csv
