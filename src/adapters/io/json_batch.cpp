// SPDX-License-Identifier: Apache-2.0
#include <energy/io/json_batch.hpp>

#include "json_batch_elements.hpp"

#include <energy/error.hpp>
#include <energy/quality.hpp>

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>

namespace energy::io {
namespace json_detail {
namespace {

using ingest::reason;

static_assert(json_padding_bytes == simdjson::SIMDJSON_PADDING,
              "json_padding_bytes must match simdjson");

/// Errors that concern one value (a string where a number belongs, a malformed number): the
/// value is skipped and the element rejected. Anything else breaks the document.
bool value_level(simdjson::error_code e) noexcept {
  switch (e) {
    case simdjson::INCORRECT_TYPE:
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
    case simdjson::STRING_ERROR:
      return true;
    default:
      return false;
  }
}

void require(simdjson::error_code e, const char* what) {
  if (e != simdjson::SUCCESS) throw document_broken{e, what};
}

/// JSON number grammar (RFC 8259): the on-demand parser only checks what it reads.
bool is_json_number(std::string_view t) noexcept {
  while (!t.empty() &&
         (t.back() == ' ' || t.back() == '\t' || t.back() == '\n' || t.back() == '\r'))
    t.remove_suffix(1);
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9')
      ++i;
    return i > from;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

}  // namespace

/// The on-demand parser would skip an unused value unchecked: walking it checks it.
void check_skipped(od::value v, const char* where) {
  od::json_type type;
  require(v.type().get(type), where);
  switch (type) {
    case od::json_type::array: {
      od::array a;
      require(v.get_array().get(a), where);
      for (auto item : a) {
        od::value x;
        require(std::move(item).get(x), where);
        check_skipped(x, where);
      }
      break;
    }
    case od::json_type::object: {
      od::object o;
      require(v.get_object().get(o), where);
      for (auto field_result : o) {
        od::field f;
        require(std::move(field_result).get(f), where);
        std::string_view key;
        require(f.unescaped_key().get(key), where);
        check_skipped(f.value(), where);
      }
      break;
    }
    case od::json_type::number: {
      if (!is_json_number(v.raw_json_token())) throw document_broken{simdjson::NUMBER_ERROR, where};
      break;
    }
    case od::json_type::string: {
      std::string_view text;
      require(v.get_string().get(text), where);
      break;
    }
    case od::json_type::boolean: {
      bool b = false;
      require(v.get_bool().get(b), where);
      break;
    }
    case od::json_type::null: {
      bool null = false;
      require(v.is_null().get(null), where);
      if (!null) throw document_broken{simdjson::N_ATOM_ERROR, where};
      break;
    }
  }
}

namespace {

enum class field_state : std::uint8_t { absent, ok, bad };

/// What one array element said, before deciding its outcome.
struct element {
  field_state id = field_state::absent, ts = field_state::absent, val = field_state::absent,
              q = field_state::absent;
  std::string_view id_text, ts_text;
  uuid sensor;
  epoch_seconds t = 0;
  double value = 0.0;
  int value_fields = 0;
  bool values_conflict = false;
  std::uint64_t quality_flag = 0;
  std::string id_problem, ts_problem, value_problem, quality_problem;
};

std::string quote(std::string_view s) {
  return ingest::shown_value(s);
}

/// A field's value could not be read as its type: a value of another type rejects the element,
/// but must be valid JSON like an ignored key's (a stray `]` or `,` breaks the document).
void check_wrong_type(od::value v, simdjson::error_code e, const char* name) {
  if (!value_level(e)) throw document_broken{e, name};
  if (e == simdjson::INCORRECT_TYPE) check_skipped(v, name);
}

/// Reads a string value without unescaping it: ids and timestamps never need an escape, so the
/// raw text between the quotes is what they are checked against (an escaped id is malformed).
/// Saves the copy into simdjson's string buffer on the hot path.
void read_string(od::value v, std::string_view& out, field_state& state, std::string& problem,
                 const char* name) {
  od::raw_json_string raw;
  const auto e = v.get_raw_json_string().get(raw);
  if (e == simdjson::SUCCESS) {
    const char* begin = raw.raw();
    const char* end = begin;
    while (*end != '"')
      end += (*end == '\\') ? 2 : 1;  // stage 1 guaranteed a closing quote
    out = std::string_view(begin, static_cast<std::size_t>(end - begin));
    state = field_state::ok;
    return;
  }
  check_wrong_type(v, e, name);
  state = field_state::bad;
  problem = fmt::format("is not a string ({})", simdjson::error_message(e));
}

void read_element(od::object obj, element& el) {
  for (auto field_result : obj) {
    od::field f;
    require(std::move(field_result).get(f), "object field");
    const od::raw_json_string key = f.key();
    if (key == "sensor_id") {
      read_string(f.value(), el.id_text, el.id, el.id_problem, "sensor_id");
      if (el.id == field_state::ok) {
        if (const auto u = uuid::try_parse(el.id_text)) {
          el.sensor = *u;
        } else {
          el.id = field_state::bad;
          el.id_problem = fmt::format("{} is not a canonical UUID", quote(el.id_text));
        }
      }
    } else if (key == "timestamp") {
      read_string(f.value(), el.ts_text, el.ts, el.ts_problem, "timestamp");
      if (el.ts == field_state::ok) {
        if (const auto t = parse_utc_timestamp(el.ts_text)) {
          el.t = to_epoch(*t);
        } else {
          el.ts = field_state::bad;
          el.ts_problem =
              fmt::format("{} is not an RFC 3339 timestamp with a UTC offset", quote(el.ts_text));
        }
      }
    } else if (key == "value_kwh" || key == "value") {
      double d = 0.0;
      const auto e = f.value().get_double().get(d);
      if (e != simdjson::SUCCESS) {
        check_wrong_type(f.value(), e, "value");
        el.val = field_state::bad;
        el.value_problem = fmt::format("is not a number ({})", simdjson::error_message(e));
        continue;
      }
      if (el.value_fields++ > 0 && !std::equal_to<double>{}(d, el.value)) el.values_conflict = true;
      if (el.val != field_state::bad) el.val = field_state::ok;
      el.value = d;
    } else if (key == "quality_flag") {
      std::uint64_t q = 0;
      const auto e = f.value().get_uint64().get(q);
      if (e != simdjson::SUCCESS) {
        check_wrong_type(f.value(), e, "quality_flag");
        el.q = field_state::bad;
        el.quality_problem =
            fmt::format("is not an unsigned integer ({})", simdjson::error_message(e));
      } else if (q > quality::known_mask) {
        el.q = field_state::bad;
        el.quality_problem =
            fmt::format("{} has bits outside the known mask {}", q, quality::known_mask);
      } else {
        el.q = field_state::ok;
        el.quality_flag = q;
      }
    } else {
      // Unknown keys are ignored (forward compatibility), but must still be valid JSON.
      check_skipped(f.value(), "value of an ignored key");
    }
  }
}

struct sink {
  parsed_readings& out;
  std::string_view source_name;
};

void reject(sink& out, std::size_t index, reason why, std::string detail) {
  out.out.rejections.push_back(ingest::rejection{-1, static_cast<std::int64_t>(index), why,
                                                 fmt::format("{}: {}", out.source_name, detail)});
}

void finish_element(sink& out, std::size_t index, const element& el) {
  const auto where = [&](const char* field) {
    return fmt::format("readings[{}].{}", index, field);
  };
  if (el.id == field_state::absent)
    return reject(out, index, reason::missing_field, where("sensor_id") + " is missing");
  if (el.id == field_state::bad)
    return reject(out, index, reason::malformed_sensor_id,
                  where("sensor_id") + ": " + el.id_problem);
  if (el.ts == field_state::absent)
    return reject(out, index, reason::missing_field, where("timestamp") + " is missing");
  if (el.ts == field_state::bad)
    return reject(out, index, reason::malformed_timestamp,
                  where("timestamp") + ": " + el.ts_problem);
  if (el.val == field_state::absent)
    return reject(out, index, reason::missing_field,
                  where("value") + " is missing (expected value_kwh or value)");
  if (el.val == field_state::bad)
    return reject(out, index, reason::malformed_value, where("value") + ": " + el.value_problem);
  if (el.values_conflict)
    return reject(out, index, reason::malformed_value,
                  where("value") + ": value_kwh and value disagree");
  if (el.q == field_state::bad)
    return reject(out, index, reason::invalid_quality_flag,
                  where("quality_flag") + ": " + el.quality_problem);
  out.out.batch.push_back(el.sensor, el.t, el.value, static_cast<std::uint32_t>(el.quality_flag),
                          static_cast<std::int64_t>(index));
}

}  // namespace

void parse_array(od::array arr, parsed_readings& result, std::string_view source_name,
                 std::size_t first_index) {
  sink out{result, source_name};
  std::size_t index = first_index;
  element el;
  for (auto element_result : arr) {
    od::value v;
    require(std::move(element_result).get(v), "array element");
    od::json_type type;
    require(v.type().get(type), "array element");
    if (type != od::json_type::object) {
      // Rejected, but like an ignored key its JSON must be valid.
      check_skipped(v, "array element");
      reject(out, index, reason::missing_field,
             fmt::format("readings[{}] is not an object", index));
    } else {
      el = element{};
      od::object obj;
      require(v.get_object().get(obj), "array element");
      read_element(obj, el);
      finish_element(out, index, el);
    }
    ++index;
  }
}

std::string malformed(std::string_view source_name, std::size_t byte, std::size_t line,
                      std::string_view what, simdjson::error_code code) {
  if (code == simdjson::SUCCESS)
    return fmt::format("{}: malformed JSON at byte {} (line {}): {}", source_name, byte, line,
                       what);
  return fmt::format("{}: malformed JSON at byte {} (line {}): {}: {}", source_name, byte, line,
                     what, simdjson::error_message(code));
}

}  // namespace json_detail

namespace {

using namespace json_detail;

struct location {
  std::size_t byte = 0;
  std::size_t line = 1;
};

location locate(std::string_view text, const char* at) {
  location loc;
  if (at < text.data() || at > text.data() + text.size()) {
    loc.byte = text.size();
  } else {
    loc.byte = static_cast<std::size_t>(at - text.data());
  }
  loc.line = 1 + static_cast<std::size_t>(std::count(
                     text.begin(), text.begin() + static_cast<std::ptrdiff_t>(loc.byte), '\n'));
  return loc;
}

parsed_readings parse_padded(std::string_view text, std::string_view source_name) {
  parsed_readings result;
  result.batch.reserve(text.size() / 96 + 16);
  od::parser parser;
  od::document doc;
  if (const auto e = parser
                         .iterate(simdjson::padded_string_view(
                             text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING))
                         .get(doc);
      e != simdjson::SUCCESS)
    throw parse_error(
        fmt::format("{}: not a JSON document: {}", source_name, simdjson::error_message(e)));
  try {
    od::json_type type;
    require(doc.type().get(type), "document");
    if (type == od::json_type::array) {
      od::array arr;
      require(doc.get_array().get(arr), "top-level array");
      parse_array(arr, result, source_name, 0);
    } else if (type == od::json_type::object) {
      od::object obj;
      require(doc.get_object().get(obj), "top-level object");
      bool found = false;
      for (auto field_result : obj) {
        od::field f;
        require(std::move(field_result).get(f), "top-level field");
        if (f.key() == "readings" && !found) {
          od::array arr;
          const auto e = f.value().get_array().get(arr);
          if (e == simdjson::INCORRECT_TYPE)
            throw document_broken{e, "\"readings\" is not an array"};
          require(e, "readings");
          parse_array(arr, result, source_name, 0);
          found = true;
        } else {
          check_skipped(f.value(), "value of an ignored top-level key");
        }
      }
      if (!found)
        throw document_broken{simdjson::NO_SUCH_FIELD,
                              "no \"readings\" array in the top-level object"};
    } else {
      throw document_broken{simdjson::INCORRECT_TYPE,
                            "the document is neither an object nor an array"};
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS)
      throw document_broken{simdjson::TRAILING_CONTENT, "content after the document"};
  } catch (const document_broken& broken) {
    const char* at = nullptr;
    if (doc.current_location().get(at) != simdjson::SUCCESS) at = text.data() + text.size();
    const auto loc = locate(text, at);
    throw parse_error(malformed(source_name, loc.byte, loc.line, broken.what, broken.code));
  }
  return result;
}

}  // namespace

parsed_readings parse_json_batch(std::string_view json, std::string_view source_name,
                                 json_padding padding) {
  if (padding == json_padding::present) return parse_padded(json, source_name);
  const simdjson::padded_string copy(json.data(), json.size());
  return parse_padded(std::string_view(copy.data(), copy.size()), source_name);
}

}  // namespace energy::io
