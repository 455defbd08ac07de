// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <energy/billing/utility_bill.hpp>
#include <energy/enum_names.hpp>

namespace energy::billing {

/// How a date-only period end is read. Timestamps with an offset are always taken as written.
enum class end_date : std::uint8_t {
  exclusive,  ///< "2024-02-14" ends at local midnight starting Feb 14 (read-date to read-date;
              ///< default)
  inclusive,  ///< "2024-02-14" ends at local midnight ending Feb 14 (the bill prints the last day
              ///< served)
};
/// "exclusive", "inclusive"; parse with `parse<end_date>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(end_date e) noexcept;

struct bills_csv_options {
  /// Zone of date-only values (local midnight). Unset: a date-only value is a rejected row.
  std::optional<time_zone> zone;
  end_date end = end_date::exclusive;
  /// Largest input read (bytes): a year of monthly bills is a few hundred bytes, so anything near
  /// this is not a bills file. Larger input is refused (parse_error) before it is read.
  std::size_t max_file_bytes = std::size_t{16} << 20;
  /// Longest line (bytes, without its end of line); a longer row is rejected unread and only its
  /// length is reported. A longer header refuses the file.
  std::size_t max_line_bytes = std::size_t{64} << 10;
  /// Most errors listed; beyond it they are only counted (`errors_not_listed`).
  std::size_t max_errors = 1000;
};

struct bills_csv_result {
  std::vector<utility_bill> bills;
  std::vector<std::string> errors;    ///< "bills.csv:4: amount: not a decimal amount '12,3a'"
  std::size_t errors_not_listed = 0;  ///< rejected rows beyond `max_errors`
};

/**
 * Reads utility bills from CSV with a header row. Columns by name (case-insensitive, any order):
 * `period_start` (or `start`), `period_end` (or `end`), `kwh`, `peak_kw` (optional, may be empty),
 * `amount`, `estimated` (optional: true/false, yes/no, y/n, 1/0, estimated/actual, e/a; empty =
 * false), `id` (optional). Spaces in header names may replace underscores ("period start").
 *
 * Timestamps are RFC 3339 with an offset (`2024-01-15T00:00:00-05:00`), or dates (`2024-01-15`)
 * read as local midnight in `options.zone` — the building's zone. Periods are half-open UTC
 * ranges; see `end_date` for date-only ends. kWh and kW are exact decimals (→ Wh, W); amounts are
 * exact decimals with an optional leading `$` (never doubles).
 *
 * Bad rows are listed in `errors` with file, line and column (up to `max_errors`, the rest
 * counted), and the valid rows still load. Memory is bounded by `max_file_bytes`.
 * @throws energy::parse_error when the file cannot be read, is larger than `max_file_bytes`, has
 * no header, a header longer than `max_line_bytes`, or lacks a required column.
 */
[[nodiscard]] bills_csv_result read_bills_csv(const std::filesystem::path& file,
                                              const bills_csv_options& options = {});

/// Same, from text in memory; `source_name` names it in errors and in each bill's `source`.
[[nodiscard]] bills_csv_result parse_bills_csv(std::string_view text, std::string_view source_name,
                                               const bills_csv_options& options = {});

}  // namespace energy::billing

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::billing::end_date>;

ENERGY_API_END
