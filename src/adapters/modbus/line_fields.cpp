// SPDX-License-Identifier: Apache-2.0
#include "line_fields.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <energy/error.hpp>

namespace energy::modbus::detail {

namespace {

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && blank(s.back()))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<record> split_records(std::string_view text) {
  std::vector<record> out;
  int line_no = 0;
  while (!text.empty() || line_no == 0) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || blank(line[i - 1]))) {
        line = line.substr(0, i);
        break;
      }
    }
    line = trim(line);
    if (line.empty()) {
      if (text.empty()) break;
      continue;
    }
    record r;
    r.line = line_no;
    std::size_t i = 0;
    bool first = true;
    while (i < line.size()) {
      while (i < line.size() && blank(line[i]))
        ++i;
      std::size_t j = i;
      while (j < line.size() && !blank(line[j]))
        ++j;
      if (j == i) break;
      const std::string_view word = line.substr(i, j - i);
      if (first) {
        r.keyword = std::string(word);
        r.rest = std::string(trim(line.substr(j)));
        first = false;
      } else if (const auto eq = word.find('='); eq != std::string_view::npos && eq > 0) {
        r.fields.push_back({std::string(word.substr(0, eq)), std::string(word.substr(eq + 1))});
      } else {
        r.words.emplace_back(word);
      }
      i = j;
    }
    out.push_back(std::move(r));
    if (text.empty()) break;
  }
  return out;
}

void fail(std::string_view source, int line, std::string_view field, std::string_view why) {
  std::string msg = std::string(source) + ":" + std::to_string(line) + ": ";
  if (!field.empty()) msg += "field '" + std::string(field) + "': ";
  msg += why;
  throw parse_error(msg);
}

field_reader::field_reader(std::string_view source, record& r) : source_(source), r_(r) {}

const std::string* field_reader::optional(std::string_view key) {
  const std::string* found = nullptr;
  for (auto& f : r_.fields) {
    if (f.key != key) continue;
    if (found != nullptr) fail(key, "given twice");
    f.used = true;
    found = &f.value;
  }
  return found;
}

const std::string& field_reader::required(std::string_view key) {
  const auto* v = optional(key);
  if (v == nullptr) fail(key, "missing (required for '" + r_.keyword + "')");
  return *v;
}

void field_reader::no_unknown_fields() const {
  for (const auto& f : r_.fields)
    if (!f.used) fail(f.key, "unknown field for '" + r_.keyword + "'");
  if (!r_.words.empty())
    detail::fail(source_, r_.line, "",
                 "unexpected word '" + r_.words.front() + "' (fields are written key=value)");
}

std::int64_t field_reader::whole(std::string_view key, const std::string& text, std::int64_t lo,
                                 std::int64_t hi) const {
  std::string_view digits = text;
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
    base = 16;
  }
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size())
    fail(key, "'" + text + "' is not a whole number (decimal, or hex as 0x...)");
  if (v < lo || v > hi)
    fail(key, "'" + text + "' is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

double field_reader::number(std::string_view key, const std::string& text) const {
  // strtod accepts "inf"/"nan" and hex floats; only plain decimal notation is wanted here.
  const bool plain =
      !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos;
  char* end = nullptr;
  const double v = plain ? std::strtod(text.c_str(), &end) : 0.0;
  if (!plain || end != text.c_str() + text.size() || !std::isfinite(v))
    fail(key, "'" + text + "' is not a finite decimal number");
  return v;
}

void field_reader::fail(std::string_view key, std::string_view why) const {
  detail::fail(source_, r_.line, key, why);
}

}  // namespace energy::modbus::detail
