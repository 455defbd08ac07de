// SPDX-License-Identifier: Apache-2.0
// Tabular output for the CLI: the same rows as an aligned table (terminal), CSV or JSON lines.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace energy::cli {

enum class output_format { table, csv, json };

/// @throws usage_error for anything but "table", "csv", "json".
[[nodiscard]] output_format parse_output_format(std::string_view s);

/// Writes a header and rows. Values are already formatted text; in JSON, `numeric[i]` columns are
/// written unquoted.
void write_rows(std::FILE* out, output_format f, const std::vector<std::string>& header,
                const std::vector<bool>& numeric,
                const std::vector<std::vector<std::string>>& rows);

/// CSV field quoting per RFC 4180.
[[nodiscard]] std::string csv_field(std::string_view s);
/// JSON string literal with escapes.
[[nodiscard]] std::string json_string(std::string_view s);

}  // namespace energy::cli
