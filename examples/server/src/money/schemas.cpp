// SPDX-License-Identifier: Apache-2.0
// OpenAPI component schemas of the money routes. Request schemas carry an `example` that is a
// valid body: the attack suite builds its requests from them.
#include "money/routes.hpp"

namespace energy::server::costs {

namespace {

nlohmann::json str(std::string_view description = {}) {
  nlohmann::json j = {{"type", "string"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
nlohmann::json nullable_str(std::string_view description) {
  return {{"type", {"string", "null"}}, {"description", description}};
}
nlohmann::json integer(std::string_view description = {}) {
  nlohmann::json j = {{"type", "integer"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
nlohmann::json array_of(std::string_view schema) {
  return {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + std::string(schema)}}}};
}

/// A small valid URDB record: one flat energy period at 0.12 $/kWh and a 10 $ monthly charge.
nlohmann::json example_urdb() {
  const auto row = nlohmann::json(std::vector<int>(24, 0));
  const auto schedule = nlohmann::json(std::vector<nlohmann::json>(12, row));
  return {{"name", "Example general service"},
          {"utility", "Example Utility"},
          {"energyratestructure", {{{{"rate", 0.12}, {"unit", "kWh"}}}}},
          {"energyweekdayschedule", schedule},
          {"energyweekendschedule", schedule},
          {"fixedmonthlycharge", 10}};
}

}  // namespace

nlohmann::json schemas() {
  nlohmann::json s = nlohmann::json::object();
  s["TariffUpload"] = {
      {"type", "object"},
      {"required", {"effective_from", "urdb"}},
      {"additionalProperties", false},
      {"properties",
       {{"effective_from",
         {{"type", "string"},
          {"format", "date"},
          {"description", "local date (building's zone) it applies from"}}},
        {"urdb",
         {{"type", "object"},
          {"description", "URDB record, API response or REopt scenario, as JSON"}}},
        {"json_pointer", str("RFC 6901 pointer to the record inside `urdb` (optional)")},
        {"currency", str("ISO 4217 code of its prices (default USD)")},
        {"coincident_peaks",
         {{"type", "array"},
          {"maxItems", 16},
          {"items", {{"$ref", "#/components/schemas/CoincidentPeakCharge"}}},
          {"description",
           "coincident-peak demand charges with the utility's published peak windows; they "
           "replace the URDB record's own coincident* fields, which carry no peak hours"}}},
        {"holidays",
         {{"type", {"array", "null"}},
          {"maxItems", 2000},
          {"uniqueItems", true},
          {"items", {{"type", "string"}, {"format", "date"}}},
          {"description",
           "the utility's time-of-use holidays from the tariff sheet (URDB records do not list "
           "them): local dates YYYY-MM-DD of the building's zone, in any order, each priced with "
           "the weekend schedules (energy and TOU demand). Absent or null: not known, so every "
           "Monday to Friday is priced as a weekday and each bill whose tariff has a different "
           "weekend schedule says so in its notes. []: the utility has no such holidays"}}}}},
      {"example",
       {{"effective_from", "2024-01-01"}, {"currency", "USD"}, {"urdb", example_urdb()}}}};
  s["CoincidentPeakCharge"] = {
      {"type", "object"},
      {"required", {"name", "peak_starts", "price_per_kw"}},
      {"additionalProperties", false},
      {"properties",
       {{"name", str("e.g. transmission 5CP 2024")},
        {"peak_starts",
         {{"type", "array"},
          {"minItems", 1},
          {"maxItems", 1000},
          {"items", {{"type", "string"}, {"format", "date-time"}}},
          {"description", "start of each peak window, RFC 3339, strictly ascending"}}},
        {"window_seconds",
         {{"type", "integer"},
          {"minimum", 1},
          {"maximum", 86400},
          {"description", "length of each window (default 3600)"}}},
        {"price_per_kw",
         {{"type", "string"},
          {"description",
           "$/kW of the building's mean demand in the windows of a bill period"}}}}}};
  s["TariffVersion"] = {
      {"type", "object"},
      {"required", {"id", "building_id", "effective_from", "superseded", "currency", "complete"}},
      {"properties",
       {{"id", str()},
        {"building_id", str()},
        {"effective_from", str("local date")},
        {"effective_until", nullable_str("next version's date (excluded); null: open-ended")},
        {"superseded", {{"type", "boolean"}, {"description", "a later upload has the same date"}}},
        {"currency", str()},
        {"name", str()},
        {"utility", str()},
        {"label", str("URDB label")},
        {"energy_periods", integer()},
        {"demand_periods", integer()},
        {"flat_demand_periods", integer()},
        {"demand_window_minutes", integer()},
        {"fixed_charge", str("exact decimal")},
        {"fixed_charge_unit", {{"type", "string"}, {"enum", {"month", "day"}}}},
        {"minimum_charge", str("exact decimal")},
        {"complete", {{"type", "boolean"}, {"description", "every priced URDB field is modelled"}}},
        {"coincident_peaks", array_of("CoincidentPeakCharge")},
        {"holidays",
         {{"type", {"array", "null"}},
          {"items", {{"type", "string"}, {"format", "date"}}},
          {"description",
           "local dates priced with the weekend schedules, as uploaded; null: not known"}}},
        {"unsupported",
         {{"type", "array"},
          {"items", str()},
          {"description", "URDB fields not priced, with the reason"}}},
        {"uploaded_at", str()},
        {"uploaded_by", str("user id")},
        {"json_pointer", str()},
        {"urdb", {{"type", "object"}, {"description", "as uploaded (single version only)"}}}}}};
  s["TariffVersionList"] = {{"type", "object"},
                            {"required", {"tariffs"}},
                            {"properties", {{"tariffs", array_of("TariffVersion")}}}};

  s["ComputedBill"] = {{"type", "object"},
                       {"description",
                        "The library's bill: period, kwh, peak_kw (and when), lines with their "
                        "inputs, total "
                        "(cents), coverage_pct, notes, unapplied (charges that apply but are not "
                        "in the total, with the reason). Money and quantities are decimal "
                        "strings."},
                       {"properties",
                        {{"period_start", str()},
                         {"period_end", str()},
                         {"kwh", str()},
                         {"peak_kw", str()},
                         {"peak_at", nullable_str("RFC 3339 UTC start of the demand block that "
                                                  "set peak_kw; null when no reading")},
                         {"demand_window_minutes",
                          integer("the window demand was measured on: the tariff's, or the data "
                                  "interval when that is longer (a note says so)")},
                         {"intervals", integer("readings (intervals) starting in the period")},
                         {"total", str()},
                         {"coverage_pct", {{"type", "number"}}},
                         {"lines", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                         {"notes",
                          {{"type", "array"},
                           {"items", str()},
                           {"description",
                            "what the reader should know about how it was priced (e.g. the "
                            "tariff's holidays are not given; demand measured on the data's "
                            "interval)"}}},
                         {"unapplied", {{"type", "array"}, {"items", str()}}}}}};
  s["PricedBill"] = {
      {"type", "object"},
      {"properties",
       {{"basis", {{"type", "string"}, {"enum", {"tariff", "flat_rate"}}}},
        {"tariff_id", nullable_str("the tariff version; null for the flat rate")},
        {"tariff_name", str()},
        {"currency", nullable_str("ISO 4217; null for a flat rate")},
        {"unsupported",
         {{"type", "array"},
          {"items", str()},
          {"description", "URDB fields of the tariff not priced (left out of the amounts)"}}},
        {"local_start", str()},
        {"local_end", str()},
        {"prorated", {{"type", "boolean"}}},
        {"bill", {{"$ref", "#/components/schemas/ComputedBill"}}}}}};
  s["BillList"] = {{"type", "object"},
                   {"required", {"building_id", "bills"}},
                   {"properties",
                    {{"building_id", str()},
                     {"time_zone", str()},
                     {"start", str()},
                     {"end", str()},
                     {"bills", array_of("PricedBill")},
                     {"total", nullable_str("sum of the bills; null when they mix currencies")},
                     {"currency", nullable_str("of `total`")}}}};

  const nlohmann::json bill_props = {
      {"id", str("the utility's bill id (with the period, what identifies the bill)")},
      {"period_start", str("local date or RFC 3339 instant")},
      {"period_end", str("local date (excluded: the next read date) or RFC 3339 instant")},
      {"consumption_kwh", str("billed kWh, decimal string")},
      {"peak_demand_kw", nullable_str("billed demand, kW")},
      {"demand_interval_minutes",
       {{"type", {"integer", "null"}}, {"minimum", 1}, {"maximum", 1440}}},
      {"amount", str("billed total, decimal string")},
      {"estimated", {{"type", "boolean"}}}};
  s["UtilityBillIn"] = {{"type", "object"},
                        {"required", {"period_start", "period_end", "amount"}},
                        {"additionalProperties", false},
                        {"properties", bill_props}};
  s["UtilityBillUpload"] = {{"type", "object"},
                            {"required", {"bills"}},
                            {"additionalProperties", false},
                            {"properties", {{"bills", array_of("UtilityBillIn")}}},
                            {"example",
                             {{"bills",
                               {{{"id", "INV-2024-01"},
                                 {"period_start", "2024-01-01"},
                                 {"period_end", "2024-02-01"},
                                 {"consumption_kwh", "1234.500"},
                                 {"peak_demand_kw", "12.5"},
                                 {"amount", "210.35"},
                                 {"estimated", false}}}}}}};
  s["UtilityBill"] = {{"type", "object"},
                      {"properties",
                       {{"id", str("server id")},
                        {"bill_id", str("the utility's id")},
                        {"period_start", str()},
                        {"period_end", str()},
                        {"consumption_kwh", nullable_str("null: not stated")},
                        {"peak_demand_kw", nullable_str("")},
                        {"demand_interval_minutes", {{"type", {"integer", "null"}}}},
                        {"amount", nullable_str("null: not stated")},
                        {"estimated", {{"type", "boolean"}}},
                        {"source", str()},
                        {"origin", {{"type", "string"}, {"enum", {"json", "csv", "greenbutton"}}}},
                        {"uploaded_at", str()}}}};
  s["UtilityBillList"] = {
      {"type", "object"},
      {"required", {"utility_bills", "next_cursor"}},
      {"properties",
       {{"utility_bills", array_of("UtilityBill")},
        {"next_cursor", nullable_str("pass as ?cursor= for the next page; null at the end")}}}};
  s["Reconciliation"] = {
      {"type", "object"},
      {"description",
       "Per group of consecutive bills priced alike, the library's reconciliation: tariff, "
       "tolerances, and per bill billed vs computed kWh/kW/amount, differences, rates, demand "
       "on candidate intervals and findings. `unavailable` instead when it cannot run."},
      {"properties",
       {{"building_id", str()},
        {"bills", integer()},
        {"flagged", integer()},
        {"groups", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"unreconciled", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"unavailable", str("why no reconciliation was made (uploads only)")}}}};
  s["UtilityBillUploadResult"] = {
      {"type", "object"},
      {"required", {"received", "accepted", "rejected", "bills"}},
      {"properties",
       {{"received", integer()},
        {"accepted", integer()},
        {"rejected", integer()},
        {"inserted", integer()},
        {"unchanged", integer()},
        {"replaced", integer()},
        {"rejections", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"bills", array_of("UtilityBill")},
        {"reconciliation", {{"$ref", "#/components/schemas/Reconciliation"}}}}}};
  s["GreenButtonResult"] = {
      {"type", "object"},
      {"properties",
       {{"usage_points", integer()},
        {"meter_readings", integer()},
        {"readings_imported", {{"type", "boolean"}}},
        {"imports", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"bills", {{"type", "object"}}},
        {"issue_count", integer()},
        {"issues", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"ignored_resources", {{"type", "array"}, {"items", str()}}},
        {"reconciliation",
         {{"oneOf", {{{"$ref", "#/components/schemas/Reconciliation"}}, {{"type", "null"}}}}}}}}};
  s["Report"] = {
      {"type", "object"},
      {"description",
       "The library's report JSON: report_id, generated_at, insights and recommendations "
       "and the data behind every number (KPIs, daily series with the baseline "
       "band, load profile, monthly peaks, bills, anomalies, forecast, comparison, notes)."},
      {"properties",
       {{"report_id", str()},
        {"generated_at", str()},
        {"insights", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"recommendations", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
  return s;
}

}  // namespace energy::server::costs
