// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private to the io adapter: JSON as Python's json.dumps writes it (eemeter's files).

#include <cstddef>
#include <string>
#include <string_view>

namespace energy::io::detail {

/// What stands in for each bare token json.dumps writes for a non-finite float.
struct nonfinite_replacements {
  std::string_view nan = "null";
  std::string_view infinity = "null";
  std::string_view minus_infinity = "null";
};

/// `text` with the bare tokens NaN, Infinity and -Infinity outside strings replaced, so that a
/// strict JSON parser reads it. By default they become null (a null where a number is required
/// is then refused naming the field); a reader that needs the values (infinite bin edges) passes
/// string markers it recognises.
inline std::string strict_json(std::string_view text, const nonfinite_replacements& with = {}) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size())
        out += text[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    const std::string_view rest = text.substr(i);
    std::size_t token = 0;
    std::string_view replacement;
    if (rest.starts_with("NaN")) {
      token = 3;
      replacement = with.nan;
    } else if (rest.starts_with("Infinity")) {
      token = 8;
      replacement = with.infinity;
    } else if (rest.starts_with("-Infinity")) {
      token = 9;
      replacement = with.minus_infinity;
    }
    if (token != 0) {
      out += replacement;
      i += token - 1;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace energy::io::detail
