// SPDX-License-Identifier: Apache-2.0
// Private helpers of the Green Button adapter: namespace-agnostic element lookup, exact integer
// parsing, and byte offset -> line number mapping for error messages.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

namespace energy::greenbutton::detail {

/// Element name without its namespace prefix: real files use `espi:value`, `ns2:value` or a
/// default namespace, and we match ESPI and Atom elements by local name only.
inline const char* local_name(const char* name) noexcept {
  const char* r = name;
  for (const char* p = name; *p != '\0'; ++p)
    if (*p == ':') r = p + 1;
  return r;
}

inline bool named(const pugi::xml_node& n, const char* local) noexcept {
  return std::strcmp(local_name(n.name()), local) == 0;
}

/// First child element with the given local name, or an empty node.
inline pugi::xml_node child(const pugi::xml_node& n, const char* local) noexcept {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && named(c, local)) return c;
  return {};
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// A decimal integer with optional sign and surrounding whitespace; nullopt otherwise or on
/// overflow.
inline std::optional<std::int64_t> parse_int(std::string_view s) noexcept {
  s = trim(s);
  bool neg = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  const auto sv = static_cast<std::int64_t>(v);
  return neg ? -sv : sv;
}

/// ESPI hexBinary (DstRuleType): up to 8 hex digits.
inline std::optional<std::uint32_t> parse_hex32(std::string_view s) noexcept {
  s = trim(s);
  if (s.empty() || s.size() > 8) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    std::uint32_t d = 0;
    if (c >= '0' && c <= '9')
      d = static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = static_cast<std::uint32_t>(c - 'A' + 10);
    else
      return std::nullopt;
    v = (v << 4) | d;
  }
  return v;
}

/// Maps byte offsets of one buffer to 1-based line numbers; built on first use (errors are rare).
class line_index {
 public:
  explicit line_index(std::string_view text) : text_(text) {}
  std::int64_t line_of(std::ptrdiff_t offset) {
    if (offset < 0) return 0;
    if (!built_) {
      for (std::size_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n') newlines_.push_back(i);
      built_ = true;
    }
    const auto it =
        std::lower_bound(newlines_.begin(), newlines_.end(), static_cast<std::size_t>(offset));
    return static_cast<std::int64_t>(it - newlines_.begin()) + 1;
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> newlines_;
  bool built_ = false;
};

/// "feed/entry[5]/content/IntervalBlock/IntervalReading[12]/value" (1-based indexes among
/// same-named siblings, shown only where there is more than one).
inline std::string element_path(pugi::xml_node n) {
  std::vector<std::string> parts;
  for (; n && n.type() == pugi::node_element; n = n.parent()) {
    std::size_t index = 0, same = 0;
    for (pugi::xml_node s = n.parent().first_child(); s; s = s.next_sibling()) {
      if (s.type() != pugi::node_element || std::strcmp(s.name(), n.name()) != 0) continue;
      ++same;
      if (s == n) index = same;
    }
    std::string part = n.name();
    if (same > 1) part += "[" + std::to_string(index) + "]";
    parts.push_back(std::move(part));
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!out.empty()) out += '/';
    out += *it;
  }
  return out;
}

}  // namespace energy::greenbutton::detail
