// SPDX-License-Identifier: Apache-2.0
#include <energy/transport/mqtt_payload.hpp>

#include <energy/error.hpp>
#include <energy/io/json_batch.hpp>
#include <energy/quality.hpp>
#include <energy/time.hpp>

#include <charconv>
#include <string>
#include "core/enum_table.hpp"

namespace energy::transport::mqtt {
namespace {

using ingest::reason;

bool blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && blank(s.back()))
    s.remove_suffix(1);
  return s;
}

/// Top-level keys of a JSON object that matter for telling the forms apart. A light scan (the
/// real parse follows): it only tracks strings and nesting depth.
struct object_keys {
  bool readings = false;
  bool sensor_id = false;
  bool empty = true;
};

object_keys scan_top_level_keys(std::string_view object) noexcept {
  object_keys keys;
  int depth = 0;
  bool expect_key = false;
  for (std::size_t i = 0; i < object.size(); ++i) {
    const char c = object[i];
    if (c == '"') {
      const std::size_t start = i + 1;
      for (++i; i < object.size() && object[i] != '"'; ++i)
        if (object[i] == '\\') ++i;
      if (depth == 1 && expect_key) {
        const auto key = object.substr(start, i - start);
        keys.empty = false;
        keys.readings = keys.readings || key == "readings";
        keys.sensor_id = keys.sensor_id || key == "sensor_id";
        expect_key = false;
      }
    } else if (c == '{' || c == '[') {
      ++depth;
      expect_key = depth == 1;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    }
  }
  return keys;
}

/// One reading object as a one-element batch, with the topic's sensor added when it names none.
io::parsed_readings decode_single(std::string_view object, const object_keys& keys,
                                  const std::optional<uuid>& topic_sensor,
                                  std::string_view source) {
  std::string doc;
  doc.reserve(object.size() + 64);
  doc += '[';
  if (!keys.sensor_id && topic_sensor) {
    doc += "{\"sensor_id\":\"";
    doc += topic_sensor->to_string();
    doc += keys.empty ? "\"" : "\",";
    doc += object.substr(1);
  } else {
    doc += object;
  }
  doc += ']';
  auto parsed = io::parse_json_batch(doc, source);
  // `{...}, {...}` would parse as two elements of the wrapping array: not one reading.
  if (parsed.batch.size() + parsed.rejections.size() != 1)
    throw parse_error(std::string(source) + ": not a single JSON object (use the batch form)");
  return parsed;
}

void reject(io::parsed_readings& out, std::int64_t line, reason why, std::string detail) {
  out.rejections.push_back({.batch_index = -1,
                            .source_row = line,
                            .why = why,
                            .detail = "line " + std::to_string(line) + ": " + std::move(detail)});
}

bool integer_text(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

void decode_compact_line(std::string_view line, std::int64_t row, const uuid& sensor,
                         io::parsed_readings& out) {
  std::string_view fields[3];
  std::size_t n = 0;
  for (;;) {
    const auto comma = line.find(',');
    if (n == 3) {
      reject(out, row, reason::malformed_value,
             "more than 3 fields (expected <timestamp>,<value>[,<quality_flag>])");
      return;
    }
    fields[n++] = trim(line.substr(0, comma));
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  if (n < 2 || fields[0].empty() || fields[1].empty()) {
    reject(out, row, reason::missing_field, "expected <timestamp>,<value>[,<quality_flag>]");
    return;
  }
  epoch_seconds ts = 0;
  if (integer_text(fields[0])) {
    const auto r = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), ts);
    if (r.ec != std::errc{}) {
      reject(out, row, reason::malformed_timestamp,
             "timestamp " + ingest::shown_value(fields[0]) + " is out of range");
      return;
    }
  } else if (const auto t = parse_utc_timestamp(fields[0])) {
    ts = to_epoch(*t);
  } else {
    reject(out, row, reason::malformed_timestamp,
           "timestamp " + ingest::shown_value(fields[0]) +
               " is neither epoch seconds nor RFC 3339 with a UTC offset");
    return;
  }
  double value = 0.0;
  const auto v = std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), value);
  if (v.ec != std::errc{} || v.ptr != fields[1].data() + fields[1].size()) {
    reject(out, row, reason::malformed_value,
           "value " + ingest::shown_value(fields[1]) + " is not a number");
    return;
  }
  std::uint32_t flags = 0;
  if (n == 3) {
    const auto q = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), flags);
    if (q.ec != std::errc{} || q.ptr != fields[2].data() + fields[2].size() ||
        (flags & ~quality::known_mask) != 0) {
      reject(out, row, reason::invalid_quality_flag,
             "quality_flag " + ingest::shown_value(fields[2]) +
                 " is not an unsigned integer of known flag bits");
      return;
    }
  }
  out.batch.push_back(sensor, ts, value, flags, row);
}

io::parsed_readings decode_compact(std::string_view text, const std::optional<uuid>& topic_sensor,
                                   std::string_view source) {
  if (!topic_sensor)
    throw parse_error(std::string(source) +
                      ": a compact payload needs a topic that names the sensor");
  io::parsed_readings out;
  std::int64_t row = 0;
  std::size_t lines = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = trim(text.substr(0, nl));
    if (!line.empty()) {
      if (++lines > max_compact_lines)
        throw parse_error(std::string(source) + ": more than " + std::to_string(max_compact_lines) +
                          " compact lines in one message");
      decode_compact_line(line, row, *topic_sensor, out);
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
    ++row;
  }
  return out;
}

}  // namespace

namespace {
constexpr auto payload_form_names = energy::detail::make_enum_table<payload_form>(
    "payload_form", {{payload_form::single, "single"},
                     {payload_form::batch, "batch"},
                     {payload_form::compact, "compact"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(payload_form) noexcept {
  return payload_form_names;
}
std::string_view to_string(payload_form f) noexcept {
  return payload_form_names.name(f);
}

decoded_payload decode_payload(std::string_view payload, const std::optional<uuid>& topic_sensor,
                               std::string_view source) {
  const auto text = trim(payload);
  if (text.empty()) throw parse_error(std::string(source) + ": empty payload");
  decoded_payload out;
  if (text.front() == '[') {
    out.form = payload_form::batch;
    out.readings = io::parse_json_batch(text, source);
  } else if (text.front() == '{') {
    const auto keys = scan_top_level_keys(text);
    if (keys.readings) {
      out.form = payload_form::batch;
      out.readings = io::parse_json_batch(text, source);
    } else {
      out.form = payload_form::single;
      out.readings = decode_single(text, keys, topic_sensor, source);
    }
  } else {
    out.form = payload_form::compact;
    out.readings = decode_compact(text, topic_sensor, source);
  }
  return out;
}

}  // namespace energy::transport::mqtt

template struct energy::detail::enum_names<energy::transport::mqtt::payload_form>;
