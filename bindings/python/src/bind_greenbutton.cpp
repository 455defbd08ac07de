// SPDX-License-Identifier: Apache-2.0
// Green Button (ESPI) import: interval readings as columns and usage summaries as UtilityBill.
// Compiled only when the energy::greenbutton adapter is built (ENERGY_PY_HAVE_GREENBUTTON).
#include "common.hpp"

#ifdef ENERGY_PY_HAVE_GREENBUTTON

#include <energy/billing/utility_bill.hpp>
#include <energy/greenbutton/espi.hpp>

#include <pybind11/stl.h>

#include <stdexcept>

namespace energy::py {

namespace gb = energy::greenbutton;

namespace {

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
      "be "
      "read as consumption}], 'bills': [UtilityBill from usage summaries], 'issues', "
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
