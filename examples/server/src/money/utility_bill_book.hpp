// SPDX-License-Identifier: Apache-2.0
// Utility bills uploaded for a building (JSON, CSV or from a Green Button file's usage
// summaries), kept so they can be listed and reconciled again later. A bill is identified by the
// utility's bill id and its period: uploading it again leaves it unchanged, or replaces it when
// its numbers differ (a corrected bill); it is never stored twice.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/aggregate/calendar.hpp>
#include <energy/billing/utility_bill.hpp>
#include <energy/model.hpp>

#include "http/context.hpp"

namespace energy::server::costs {

struct stored_bill {
  std::string id;  ///< the server's id
  billing::utility_bill bill;
  std::string origin;  ///< "json", "csv", "greenbutton"
  epoch_seconds uploaded_at = 0;
};

/// A bill of an upload that could not be read.
struct bill_rejection {
  std::size_t index = 0;  ///< position in the upload (bills[] or CSV data row)
  std::string field;      ///< JSON pointer or CSV line
  std::string reason;
};

struct bill_upload {
  std::vector<billing::utility_bill> bills;
  std::vector<bill_rejection> rejections;
};

/// Bills from a JSON upload `{"bills": [...]}`: money and quantities as decimal strings.
/// @throws problem_error 422 when the body is not of that shape (each bad bill is a rejection).
[[nodiscard]] bill_upload read_json_bills(const nlohmann::json& body,
                                          aggregate::local_calendar& cal);
/// Bills from CSV (the library's bills CSV: period_start, period_end, kwh, peak_kw, amount,
/// estimated, id); date-only values are local days of the building.
/// @throws problem_error 422 when the CSV has no header or lacks a required column.
[[nodiscard]] bill_upload read_csv_bills(std::string_view text, aggregate::local_calendar& cal,
                                         bool inclusive_end);

struct store_outcome {
  std::vector<stored_bill> bills;  ///< as stored, in upload order
  std::size_t inserted = 0, unchanged = 0, replaced = 0;
};

/// Stores the bills of building `b` in one transaction.
[[nodiscard]] store_outcome store_bills(request_context& ctx, const building& b,
                                        const std::vector<billing::utility_bill>& bills,
                                        std::string_view origin);

/// Where a page of bills continues: after the bill with this period start and id.
struct bill_cursor {
  epoch_seconds period_start = 0;
  std::string id;
};
/// "<period_start>.<id>" as next_cursor carries it; nullopt for anything else.
[[nodiscard]] std::optional<bill_cursor> parse_bill_cursor(std::string_view text);
[[nodiscard]] std::string to_string(const bill_cursor& c);

/// The stored bills of `b`, newest period first (then newest id), at most `limit`, after
/// `after` when given.
[[nodiscard]] std::vector<stored_bill> list_bills(request_context& ctx, const building& b,
                                                  std::size_t limit,
                                                  const std::optional<bill_cursor>& after = {});

/// Most bills one building keeps (uploads beyond answer 422).
inline constexpr std::int64_t max_bills_per_building = 20'000;

[[nodiscard]] nlohmann::json to_json(const stored_bill& s);
[[nodiscard]] nlohmann::json to_json(const bill_rejection& r);

}  // namespace energy::server::costs
