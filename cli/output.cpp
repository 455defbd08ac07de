// SPDX-License-Identifier: Apache-2.0
#include "output.hpp"

#include "args.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace energy::cli {

output_format parse_output_format(std::string_view s) {
  if (s == "table") return output_format::table;
  if (s == "csv") return output_format::csv;
  if (s == "json") return output_format::json;
  throw usage_error("unknown format '" + std::string(s) + "' (accepted: table, csv, json)");
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

void write_rows(std::FILE* out, output_format f, const std::vector<std::string>& header,
                const std::vector<bool>& numeric,
                const std::vector<std::vector<std::string>>& rows) {
  switch (f) {
    case output_format::csv: {
      for (std::size_t i = 0; i < header.size(); ++i)
        fmt::print(out, "{}{}", i ? "," : "", csv_field(header[i]));
      fmt::print(out, "\n");
      for (const auto& r : rows) {
        for (std::size_t i = 0; i < r.size(); ++i)
          fmt::print(out, "{}{}", i ? "," : "", csv_field(r[i]));
        fmt::print(out, "\n");
      }
      return;
    }
    case output_format::json: {
      fmt::print(out, "[");
      for (std::size_t k = 0; k < rows.size(); ++k) {
        fmt::print(out, "{}\n  {{", k ? "," : "");
        for (std::size_t i = 0; i < header.size(); ++i) {
          const bool as_number = i < numeric.size() && numeric[i] && !rows[k][i].empty();
          fmt::print(out, "{}{}: {}", i ? ", " : "", json_string(header[i]),
                     as_number
                         ? rows[k][i]
                         : (rows[k][i].empty() && numeric[i] ? "null" : json_string(rows[k][i])));
        }
        fmt::print(out, "}}");
      }
      fmt::print(out, "\n]\n");
      return;
    }
    case output_format::table: {
      std::vector<std::size_t> width(header.size());
      for (std::size_t i = 0; i < header.size(); ++i)
        width[i] = header[i].size();
      for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size() && i < width.size(); ++i)
          width[i] = std::max(width[i], r[i].size());
      auto line = [&](const std::vector<std::string>& r) {
        for (std::size_t i = 0; i < r.size(); ++i) {
          const bool right = i < numeric.size() && numeric[i];
          if (right)
            fmt::print(out, "{}{:>{}}", i ? "  " : "", r[i], width[i]);
          else
            fmt::print(out, "{}{:<{}}", i ? "  " : "", r[i], width[i]);
        }
        fmt::print(out, "\n");
      };
      line(header);
      for (const auto& r : rows)
        line(r);
      return;
    }
  }
}

}  // namespace energy::cli
