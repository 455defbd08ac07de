// SPDX-License-Identifier: Apache-2.0
// The line format shared by register maps and meter lists: one record per line, `#` comments,
// a keyword, then `key=value` fields. Errors name the file, the line and the field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace energy::modbus::detail {

struct field {
  std::string key;
  std::string value;
  bool used = false;
};

/// One non-empty line, comment stripped: `keyword` then the words after it (key=value fields in
/// `fields`, the rest in `words`, in order).
struct record {
  int line = 0;
  std::string keyword;
  std::vector<std::string> words;
  std::vector<field> fields;
  std::string rest;  ///< the text after the keyword, trimmed (for free-text lines like `model`)
};

/// Splits `text` into records. A `#` starts a comment at the line start or after a blank.
[[nodiscard]] std::vector<record> split_records(std::string_view text);

/// Builds "SOURCE:LINE: field 'FIELD': WHY" (the field part only when `field` is not empty) and
/// throws it as energy::parse_error.
[[noreturn]] void fail(std::string_view source, int line, std::string_view field,
                       std::string_view why);

/// Access to a record's fields that reports missing, repeated and unknown ones.
class field_reader {
 public:
  field_reader(std::string_view source, record& r);
  /// The field's value, or nullptr when absent. @throws parse_error when given twice.
  [[nodiscard]] const std::string* optional(std::string_view key);
  /// @throws parse_error when absent or given twice.
  [[nodiscard]] const std::string& required(std::string_view key);
  /// @throws parse_error naming the first field no call above asked for.
  void no_unknown_fields() const;
  /// Decimal or 0x-hex whole number in [lo, hi]. @throws parse_error otherwise.
  [[nodiscard]] std::int64_t whole(std::string_view key, const std::string& text, std::int64_t lo,
                                   std::int64_t hi) const;
  /// A finite decimal number (e.g. 0.1, 1e-3). @throws parse_error otherwise.
  [[nodiscard]] double number(std::string_view key, const std::string& text) const;
  [[noreturn]] void fail(std::string_view key, std::string_view why) const;

 private:
  std::string_view source_;
  record& r_;
};

}  // namespace energy::modbus::detail
