// SPDX-License-Identifier: Apache-2.0
// The archive object format: gzip CSV (sensor_id,ts,value,quality), see retention.hpp.
#include "archive_format.hpp"

#include <energy/archive/retention.hpp>
#include <energy/decimal.hpp>

#include <zlib.h>

#include <charconv>
#include <cstdio>

namespace energy::archive {
namespace detail {

std::uint32_t crc32_of(std::string_view bytes) noexcept {
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t done = 0;
  while (done < bytes.size()) {  // zlib takes uInt lengths
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(bytes.size() - done, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), chunk);
    done += chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

std::string gzip(std::string_view plain) {
  z_stream z{};
  // windowBits 15 + 16: gzip wrapper; zlib writes mtime 0, so equal input gives equal bytes.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw storage_error("gzip: deflateInit2 failed", false);
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(plain.size())) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const auto produced = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw storage_error("gzip: deflate failed", false);
  out.resize(produced);
  return out;
}

std::string gunzip(std::string_view packed, const std::string& name) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw storage_error("gunzip: inflateInit2 failed", false);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  std::string out;
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw parse_error(name + ": not a valid gzip stream (zlib error " + std::to_string(rc) + ")");
    }
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      throw parse_error(name + ": truncated gzip stream");
    }
  }
  inflateEnd(&z);
  return out;
}

std::string day_name(utc_seconds day_start) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(day_start)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string archive_csv(const reading_rows& rows) {
  std::string csv = "sensor_id,ts,value,quality\n";
  csv.reserve(rows.size() * 72 + csv.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    csv += rows.sensor_id[i].to_string();
    csv += ',';
    csv += format_utc(from_epoch(rows.ts[i]));
    csv += ',';
    csv += format_milli(rows.value[i]);
    csv += ',';
    csv += std::to_string(rows.quality[i]);
    csv += '\n';
  }
  return csv;
}

}  // namespace detail

std::string encode_archive_csv(const reading_rows& rows) {
  return detail::gzip(detail::archive_csv(rows));
}

reading_rows decode_archive_csv(std::string_view gzip_bytes, const std::string& name) {
  const std::string csv = detail::gunzip(gzip_bytes, name);
  reading_rows out;
  std::size_t pos = 0;
  std::int64_t line_no = 0;
  while (pos < csv.size()) {
    auto end = csv.find('\n', pos);
    if (end == std::string::npos) end = csv.size();
    const std::string_view line(csv.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line_no == 1) {
      if (line != "sensor_id,ts,value,quality")
        throw parse_error(name + ":1: expected header sensor_id,ts,value,quality");
      continue;
    }
    if (line.empty()) continue;
    std::string_view fields[4];
    std::size_t start = 0, f = 0;
    for (; f < 4; ++f) {
      const auto comma = line.find(',', start);
      if (f < 3 && comma == std::string_view::npos) break;
      fields[f] = line.substr(start, (f < 3 ? comma : line.size()) - start);
      start = comma + 1;
    }
    const auto where = name + ":" + std::to_string(line_no) + ": ";
    if (f < 4) throw parse_error(where + "expected 4 fields");
    const auto id = uuid::try_parse(fields[0]);
    const auto ts = parse_utc_timestamp(fields[1]);
    const auto value = parse_milli(fields[2]);
    std::uint32_t q = 0;
    const auto [p, ec] = std::from_chars(fields[3].data(), fields[3].data() + fields[3].size(), q);
    if (!id) throw parse_error(where + "field sensor_id: not a UUID");
    if (!ts) throw parse_error(where + "field ts: not an RFC 3339 UTC timestamp");
    if (!value) throw parse_error(where + "field value: not a decimal number");
    if (ec != std::errc{} || p != fields[3].data() + fields[3].size())
      throw parse_error(where + "field quality: not an integer");
    out.push_back(*id, to_epoch(*ts), *value, q);
  }
  return out;
}

}  // namespace energy::archive
