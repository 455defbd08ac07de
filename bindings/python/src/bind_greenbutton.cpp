// SPDX-License-Identifier: Apache-2.0
// Green Button (ESPI) import: interval readings as columns and usage summaries as UtilityBill.
// Compiled only when the energy::greenbutton adapter is built (ENERGY_PY_HAVE_GREENBUTTON).
#include "common.hpp"

#ifdef ENERGY_PY_HAVE_GREENBUTTON

#include <energy/billing/utility_bill.hpp>
#include <energy/greenbutton/espi.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>

namespace energy::py {

namespace gb = energy::greenbutton;

namespace {

/// Every IntervalReading of a series, whatever its duration: monthly gas reads, 23- and 25-hour
/// days and the odd short interval stay here even when `to_reading_rows` (one interval per
/// sensor) rejects them. value_milli is None (with `why`) when the unit has no canonical form.
pyb::dict interval_columns(const gb::meter_reading& mr) {
  const auto& r = mr.readings;
  const auto n = r.size();
  std::vector<std::int64_t> start(r.start.begin(), r.start.end());
  std::vector<std::int64_t> end(n), duration(n), raw(r.value), cost(n), value(n);
  std::vector<std::uint8_t> has_cost(r.has_cost);
  std::vector<std::uint32_t> quality(r.quality);
  std::string why;
  if (!mr.type)
    why = "the series links no ReadingType, so its unit is unknown";
  else if (!gb::canonical_unit_of(mr.type->uom))
    why = "uom " + gb::uom_name(mr.type->uom) + " has no canonical unit";
  for (std::size_t i = 0; i < n; ++i) {
    duration[i] = r.duration[i];
    end[i] = start[i] + r.duration[i];
    // ESPI costs are 1/100000 of the currency: ×10 is exact micro-units.
    cost[i] = r.has_cost[i] ? r.cost[i] * 10 : 0;
    if (why.empty()) {
      const auto v = gb::to_milli_units(r.value[i], mr.type->uom, mr.type->power_of_ten_multiplier);
      if (!v)
        why = fmt::format("reading {} ({}) does not fit in int64 milli-units", i, r.value[i]);
      else
        value[i] = *v;
    }
  }
  pyb::dict out;
  out["start"] = to_datetime64_ns(std::move(start));
  out["end"] = to_datetime64_ns(std::move(end));
  out["duration_seconds"] = to_numpy(std::move(duration));
  out["value_milli"] =
      why.empty() ? pyb::object(to_numpy(std::move(value))) : pyb::object(pyb::none());
  out["value_milli_missing_because"] =
      why.empty() ? pyb::object(pyb::none()) : pyb::object(pyb::str(why));
  out["raw_value"] = to_numpy(std::move(raw));
  out["cost_micros"] = to_numpy(std::move(cost));
  out["has_cost"] = to_numpy(std::move(has_cost)).attr("astype")("bool");
  out["quality"] = to_numpy(std::move(quality));
  out["unit"] =
      mr.type && gb::canonical_unit_of(mr.type->uom)
          ? pyb::object(pyb::str(std::string(gb::canonical_unit_of(mr.type->uom)->canonical)))
          : pyb::object(pyb::none());
  return out;
}

pyb::dict document_dict(const gb::document& doc) {
  pyb::list readings;
  for (const auto& mr : doc.meter_readings) {
    pyb::dict r;
    gb::rows_result converted;
    try {
      converted = gb::to_reading_rows(mr, uuid{});
      r["error"] = pyb::none();
    } catch (const std::invalid_argument& e) {
      // A series that cannot become consumption rows (no ReadingType, register reads, a unit
      // without a canonical form) is reported on its own; the rest of the document still loads.
      r["error"] = std::string(e.what());
    }
    r["title"] = mr.title;
    r["href"] = mr.href;
    r["unit"] =
        mr.type ? pyb::object(pyb::str(gb::uom_name(mr.type->uom))) : pyb::object(pyb::none());
    r["interval_seconds"] = converted.interval_seconds;
    r["ts"] = to_datetime64_ns(std::move(converted.rows.ts));
    r["value_milli"] = to_numpy(std::move(converted.rows.value));
    r["quality"] = to_numpy(std::move(converted.rows.quality));
    pyb::list rejected;
    for (const auto& i : converted.rejected)
      rejected.append(pyb::make_tuple(i.where, i.what));
    r["rejected"] = rejected;
    r["rounded"] = converted.rounded;
    r["assumptions"] = pyb::cast(mr.assumptions);
    r["intervals"] = interval_columns(mr);
    readings.append(r);
  }
  pyb::list issues;
  for (const auto& i : doc.issues)
    issues.append(pyb::make_tuple(i.where, i.what));
  pyb::dict out;
  out["source"] = doc.source;
  out["meter_readings"] = readings;
  out["bills"] = pyb::cast(doc.bills);
  out["issues"] = issues;
  out["ignored_resources"] = pyb::cast(doc.ignored_resources);
  return out;
}

}  // namespace

void bind_greenbutton(pyb::module_& m) {
  const char* doc =
      "Parses a Green Button (ESPI Atom) document. Returns {'source', 'meter_readings': [{'title', "
      "'href', "
      "'unit', 'interval_seconds', 'ts' (datetime64[ns] UTC), 'value_milli' (int64, Wh or litres), "
      "'quality', "
      "'rejected': [(where, why)], 'rounded', 'assumptions': [what the importer assumed, e.g. "
      "fractional seconds rounded, Wh for a missing uom], 'error': None or why the series cannot "
      "be read as consumption (rows of another duration are in 'rejected'), 'intervals': every "
      "IntervalReading whatever its duration as columns start, end (datetime64[ns] UTC), "
      "duration_seconds, value_milli (exact, canonical unit; None with "
      "'value_milli_missing_because' when the unit has none), raw_value, cost_micros (exact "
      "micro-units of the currency) with has_cost, quality, unit (energy.greenbutton_frame makes "
      "a DataFrame)}], 'bills': [UtilityBill from usage summaries], 'issues', "
      "'ignored_resources'}. Raises ParseError for a malformed document.";
  m.def(
      "read_greenbutton",
      [](const std::string& path) {
        gb::document d;
        {
          pyb::gil_scoped_release release;
          d = gb::parse_file(path);
        }
        return document_dict(d);
      },
      pyb::arg("path"), doc);
  m.def(
      "parse_greenbutton",
      [](const std::string& xml, const std::string& source) {
        gb::document d;
        {
          pyb::gil_scoped_release release;
          d = gb::parse_buffer(xml, source);
        }
        return document_dict(d);
      },
      pyb::arg("xml"), pyb::arg("source") = "<greenbutton>", doc);
}

}  // namespace energy::py

#endif  // ENERGY_PY_HAVE_GREENBUTTON
