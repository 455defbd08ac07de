// SPDX-License-Identifier: Apache-2.0
// Tariffs (URDB), bill calculation, utility bills from CSV, reconciliation and its JSON/CSV
// reports. Money crosses as exact decimal strings ("259.200000"; frames turn them into
// decimal.Decimal), energy as int64 milli (Wh), demand as int64 milli (W), instants as RFC 3339 UTC
// strings or datetime64[ns].
#include "common.hpp"

#include <energy/billing/bill.hpp>
#include <energy/billing/bill_periods.hpp>
#include <energy/billing/bills_csv.hpp>
#include <energy/billing/reconcile.hpp>
#include <energy/billing/tariff.hpp>
#include <energy/io/billing_json.hpp>
#include <energy/io/urdb.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

namespace energy::py {

namespace bi = energy::billing;

namespace {

std::string utc_text(utc_seconds t) {
  return format_utc(t);
}

pyb::object optional_utc(const std::optional<utc_seconds>& t) {
  return t ? pyb::object(pyb::str(format_utc(*t))) : pyb::object(pyb::none());
}

bi::interval_series series_of(const pyb::object& ts, const pyb::handle& energy_milli,
                              std::int32_t interval_seconds, const pyb::handle& quality) {
  bi::interval_series s;
  s.start = to_epoch_seconds(ts, "ts");
  s.energy = to_int64s(energy_milli, "energy_milli");
  if (s.energy.size() != s.start.size())
    throw pyb::value_error(
        fmt::format("energy_milli has {} values but ts has {}", s.energy.size(), s.start.size()));
  if (!quality.is_none()) {
    const auto q = to_int64s(quality, "quality");
    s.quality.assign(q.begin(), q.end());
  }
  s.interval_seconds = interval_seconds;
  return s;
}

time_range period_of(const pyb::handle& start, const pyb::handle& end) {
  const auto none = from_epoch(0);
  if (start.is_none() || end.is_none())
    throw pyb::value_error("period: start and end are required");
  return {to_instant(start, "start", none), to_instant(end, "end", none)};
}

pyb::dict line_columns(const std::vector<bi::bill_line>& lines) {
  pyb::list kind, rate, basis, exact, amount, peak_at;
  std::vector<std::int64_t> period, tier, quantity;
  for (const auto& l : lines) {
    kind.append(std::string(bi::to_string(l.kind)));
    period.push_back(l.period);
    tier.push_back(l.tier);
    quantity.push_back(l.quantity);
    rate.append(l.rate.to_exact_string());
    peak_at.append(optional_utc(l.peak_at));
    basis.append(l.basis);
    exact.append(l.exact.to_exact_string());
    amount.append(l.amount.to_exact_string());
  }
  pyb::dict out;
  out["kind"] = kind;
  out["period"] = to_numpy(std::move(period));
  out["tier"] = to_numpy(std::move(tier));
  out["quantity_milli"] = to_numpy(std::move(quantity));
  out["rate"] = rate;
  out["peak_at"] = peak_at;
  out["basis"] = basis;
  out["exact"] = exact;
  out["amount"] = amount;
  return out;
}

const char* charge_unit_text(bi::charge_unit u) {
  return u == bi::charge_unit::per_day ? "$/day" : "$/month";
}

/// Every tier of the tariff's energy, demand and flat-demand periods as columns: kind, period,
/// tier, up_to_milli (cumulative bound, Wh or W; None = unbounded), rate/adj/price micros, unit.
pyb::dict tier_columns(const bi::tariff& t) {
  pyb::list kind, up_to, unit;
  std::vector<std::int64_t> period, tier, rate, adj, price;
  const auto add = [&](const char* k, const char* u, const std::vector<bi::rate_period>& ps) {
    for (std::size_t p = 0; p < ps.size(); ++p)
      for (std::size_t i = 0; i < ps[p].tiers.size(); ++i) {
        const auto& x = ps[p].tiers[i];
        kind.append(k);
        unit.append(u);
        period.push_back(static_cast<std::int64_t>(p));
        tier.push_back(static_cast<std::int64_t>(i));
        up_to.append(x.max ? pyb::object(pyb::int_(*x.max)) : pyb::object(pyb::none()));
        rate.push_back(x.rate.micros());
        adj.push_back(x.adj.micros());
        price.push_back(x.price().micros());
      }
  };
  add("energy", "$/kWh", t.energy_periods);
  add("demand", "$/kW", t.demand_periods);
  add("flat_demand", "$/kW", t.flat_demand_periods);
  pyb::dict out;
  out["kind"] = kind;
  out["period"] = to_numpy(std::move(period));
  out["tier"] = to_numpy(std::move(tier));
  out["up_to_milli"] = up_to;
  out["rate_micros"] = to_numpy(std::move(rate));
  out["adj_micros"] = to_numpy(std::move(adj));
  out["price_micros"] = to_numpy(std::move(price));
  out["unit"] = unit;
  return out;
}

/// A month × hour schedule as a (12, 24) uint8 array of period indices (a copy).
pyb::array_t<std::uint8_t> schedule_array(const bi::month_hour_schedule& s) {
  pyb::array_t<std::uint8_t> out({12, 24});
  auto w = out.mutable_unchecked<2>();
  for (pyb::ssize_t m = 0; m < 12; ++m)
    for (pyb::ssize_t h = 0; h < 24; ++h)
      w(m, h) = s[static_cast<std::size_t>(m)][static_cast<std::size_t>(h)];
  return out;
}

pyb::dict schedule_arrays(const bi::tariff& t) {
  pyb::dict out;
  out["energy_weekday"] = schedule_array(t.energy_weekday);
  out["energy_weekend"] = schedule_array(t.energy_weekend);
  out["demand_weekday"] = schedule_array(t.demand_weekday);
  out["demand_weekend"] = schedule_array(t.demand_weekend);
  pyb::array_t<std::uint8_t> months(12);
  for (std::size_t m = 0; m < 12; ++m)
    months.mutable_at(static_cast<pyb::ssize_t>(m)) = t.flat_demand_months[m];
  out["flat_demand_months"] = months;
  return out;
}

/// "0.066000-0.135500 $/kWh" over the tiers of `ps`; "" when there are none.
std::string price_span(const std::vector<bi::rate_period>& ps, const char* unit) {
  std::optional<money> lo, hi;
  for (const auto& p : ps)
    for (const auto& x : p.tiers) {
      if (!lo || x.price() < *lo) lo = x.price();
      if (!hi || x.price() > *hi) hi = x.price();
    }
  if (!lo) return "";
  if (*lo == *hi) return fmt::format("{} {}", lo->to_exact_string(), unit);
  return fmt::format("{}-{} {}", lo->to_exact_string(), hi->to_exact_string(), unit);
}

std::string tariff_repr(const bi::tariff& t) {
  std::string out = fmt::format("<Tariff '{}' of '{}'", t.name, t.utility);
  const auto part = [&](std::size_t n, const char* what, const std::vector<bi::rate_period>& ps,
                        const char* unit) {
    if (n == 0) return;
    out += fmt::format(", {} {} period{} ({})", n, what, n == 1 ? "" : "s", price_span(ps, unit));
  };
  part(t.energy_periods.size(), "energy", t.energy_periods, "$/kWh");
  part(t.demand_periods.size(), "demand", t.demand_periods, "$/kW");
  part(t.flat_demand_periods.size(), "flat demand", t.flat_demand_periods, "$/kW");
  if (!t.coincident_peaks.empty())
    out += fmt::format(", {} coincident-peak charge(s)", t.coincident_peaks.size());
  if (t.fixed_charge.micros() != 0)
    out += fmt::format(", fixed {} {}", t.fixed_charge.to_exact_string(),
                       charge_unit_text(t.fixed_charge_unit));
  if (t.minimum_charge.micros() != 0)
    out += fmt::format(", minimum {} {}", t.minimum_charge.to_exact_string(),
                       charge_unit_text(t.minimum_charge_unit));
  out += fmt::format(", demand window {} min", t.demand_window_minutes);
  if (t.holidays) out += fmt::format(", {} holiday(s)", t.holidays->size());
  if (!t.unapplied.empty()) out += fmt::format(", {} charge(s) not applied", t.unapplied.size());
  return out + ">";
}

std::vector<std::int32_t> demand_intervals_of(const pyb::handle& h) {
  if (h.is_none()) return {900, 1800, 3600};
  return h.cast<std::vector<std::int32_t>>();
}

}  // namespace

void bind_billing(pyb::module_& m) {
  pyb::class_<bi::tariff>(
      m, "Tariff",
      "A commercial electricity tariff (TOU energy/demand, flat demand, fixed and minimum "
      "charges), "
      "priced in the building's local time. Read one with read_urdb / read_urdb_file.")
      .def_readonly("name", &bi::tariff::name)
      .def_readonly("utility", &bi::tariff::utility)
      .def_readonly("label", &bi::tariff::label)
      .def_property_readonly("fixed_charge",
                             [](const bi::tariff& t) { return t.fixed_charge.to_exact_string(); })
      .def_property_readonly("minimum_charge",
                             [](const bi::tariff& t) { return t.minimum_charge.to_exact_string(); })
      .def_readonly("demand_window_minutes", &bi::tariff::demand_window_minutes)
      .def_property_readonly(
          "energy_period_prices",
          [](const bi::tariff& t) {
            std::vector<std::vector<std::string>> out;
            for (const auto& p : t.energy_periods) {
              auto& tiers = out.emplace_back();
              for (const auto& tier : p.tiers)
                tiers.push_back(tier.price().to_exact_string());
            }
            return out;
          },
          "$/kWh (rate + adj) of each energy period's tiers, as exact decimal strings.")
      .def_readonly("unapplied", &bi::tariff::unapplied,
                    "Charges of the source this model cannot apply, with the reason; copied into "
                    "every bill's `unapplied`.")
      .def(
          "with_coincident_peak",
          [](const bi::tariff& t, const std::string& name, const pyb::list& peak_starts,
             const pyb::handle& price_per_kw, std::int32_t window_seconds) {
            bi::tariff out = t;
            bi::coincident_peak_charge cp;
            cp.name = name;
            cp.price = to_money(price_per_kw, "price_per_kw");
            cp.window_seconds = window_seconds;
            for (const auto& h : peak_starts)
              cp.peak_starts.push_back(to_instant(h, "peak_starts", from_epoch(0)));
            out.coincident_peaks.push_back(std::move(cp));
            out.validate();
            return out;
          },
          pyb::arg("name"), pyb::arg("peak_starts"), pyb::arg("price_per_kw"),
          pyb::arg("window_seconds") = 3600,
          "A copy with a coincident-peak demand charge: the utility's published peak windows "
          "(RFC 3339 with offset, or epoch seconds; ascending) and $/kW (str or Decimal). Each "
          "bill charges the mean of the building's demand in the windows that start in its "
          "period. Raises ValueError when the list is empty or not ascending.")
      .def(
          "with_holidays",
          [](const bi::tariff& t, const pyb::iterable& dates) {
            bi::tariff out = t;
            out.holidays = holidays_of(dates);
            out.validate();
            return out;
          },
          pyb::arg("dates"),
          "A copy with the utility's TOU holidays: local dates of the building ('YYYY-MM-DD' or "
          "datetime.date, any order) priced with the weekend schedules, energy and demand alike. "
          "URDB records do not carry them; take them from the tariff sheet. An empty list says "
          "the utility has none. Raises ValueError on an invalid or repeated date.")
      .def_property_readonly(
          "holidays", [](const bi::tariff& t) { return holidays_value(t.holidays); },
          "The holidays as 'YYYY-MM-DD' strings, or None when not known (then, if the weekend "
          "schedules differ, every bill's notes say holidays were priced as weekdays).")
      .def("validate", &bi::tariff::validate, "Raises ValueError naming the first problem.")
      .def_property_readonly("fixed_charge_micros",
                             [](const bi::tariff& t) { return t.fixed_charge.micros(); })
      .def_property_readonly(
          "fixed_charge_unit",
          [](const bi::tariff& t) { return charge_unit_text(t.fixed_charge_unit); })
      .def_property_readonly("minimum_charge_micros",
                             [](const bi::tariff& t) { return t.minimum_charge.micros(); })
      .def_property_readonly(
          "minimum_charge_unit",
          [](const bi::tariff& t) { return charge_unit_text(t.minimum_charge_unit); })
      .def_property_readonly(
          "tiers", &tier_columns,
          "Every tier of the energy ($/kWh), demand and flat-demand ($/kW) periods as columns: "
          "kind, period, tier, up_to_milli (cumulative bound in Wh or W; None = unbounded), "
          "rate_micros, adj_micros, price_micros (= rate + adj, exact micro-dollars), unit. "
          "energy.tariff_frames makes DataFrames.")
      .def_property_readonly(
          "schedules", &schedule_arrays,
          "Which period applies when, in the building's local time: energy_weekday, "
          "energy_weekend, demand_weekday, demand_weekend as (12 months, 24 hours) uint8 arrays "
          "of period indices, and flat_demand_months (12).")
      .def_property_readonly(
          "coincident_peaks",
          [](const bi::tariff& t) {
            pyb::list out;
            for (const auto& c : t.coincident_peaks) {
              pyb::dict d;
              d["name"] = c.name;
              d["price_micros"] = c.price.micros();
              d["window_seconds"] = c.window_seconds;
              pyb::list starts;
              for (const auto& at : c.peak_starts)
                starts.append(format_utc(at));
              d["peak_starts"] = starts;
              out.append(d);
            }
            return out;
          },
          "Coincident-peak demand charges: name, price_micros ($/kW), window_seconds, "
          "peak_starts (RFC 3339 UTC).")
      .def("__repr__", &tariff_repr);

  m.def(
      "flat_energy_tariff",
      [](const pyb::handle& price) {
        return bi::flat_energy_tariff(to_money(price, "price_per_kwh"));
      },
      pyb::arg("price_per_kwh"),
      "A single-period flat energy tariff; price as str or Decimal ($/kWh).");

  pyb::class_<io::urdb_tariff>(
      m, "UrdbTariff",
      "A tariff read from an OpenEI URDB record, with the pricing fields it does not model "
      "(`unsupported`: show them to the user) and the descriptive ones read.")
      .def_readonly("tariff", &io::urdb_tariff::tariff)
      .def_readonly("unsupported", &io::urdb_tariff::unsupported)
      .def_readonly("informational", &io::urdb_tariff::informational)
      .def_property_readonly("complete", &io::urdb_tariff::complete);

  m.def(
      "read_urdb",
      [](const std::string& json, const std::string& source, const std::string& json_pointer) {
        return io::read_urdb(json, source, json_pointer);
      },
      pyb::arg("json"), pyb::arg("source") = "<urdb>", pyb::arg("json_pointer") = "",
      "Reads a URDB record (bare, API {'items': [...]}, or a REopt scenario's "
      "ElectricTariff.urdb_response). "
      "Raises ParseError naming the field path.");
  m.def(
      "read_urdb_file",
      [](const std::string& path, const std::string& json_pointer) {
        return io::read_urdb_file(path, json_pointer);
      },
      pyb::arg("path"), pyb::arg("json_pointer") = "", "read_urdb from a file.");

  pyb::class_<bi::bill>(
      m, "Bill",
      "A computed bill: line items (each rounded to cents) and the total = sum of rounded lines.")
      .def_property_readonly("start", [](const bi::bill& b) { return utc_text(b.period.start); })
      .def_property_readonly("end", [](const bi::bill& b) { return utc_text(b.period.end); })
      .def_property_readonly("total", [](const bi::bill& b) { return b.total.to_exact_string(); })
      .def_readonly("energy_milli", &bi::bill::energy)
      .def_readonly("peak_demand_milli", &bi::bill::peak_demand)
      .def_property_readonly("peak_at", [](const bi::bill& b) { return optional_utc(b.peak_at); })
      .def_readonly("demand_window_seconds", &bi::bill::demand_window_seconds)
      .def_readonly("intervals", &bi::bill::intervals)
      .def_readonly("coverage_seconds", &bi::bill::coverage_seconds)
      .def_property_readonly("coverage", &bi::bill::coverage)
      .def_readonly("notes", &bi::bill::notes)
      .def_readonly("unapplied", &bi::bill::unapplied,
                    "Charges that apply but are not in `total`, with the reason (empty: complete).")
      .def_property_readonly(
          "lines", [](const bi::bill& b) { return line_columns(b.lines); },
          "Line items as columns: kind, period, tier, quantity_milli, rate, peak_at, basis, exact, "
          "amount (energy.bill_lines_frame makes a DataFrame).")
      .def(
          "to_json", [](const bi::bill& b, int indent) { return io::bill_to_json(b, indent); },
          pyb::arg("indent") = 2, "The bill as JSON with exact decimal strings.")
      .def("__repr__", [](const bi::bill& b) {
        return fmt::format("<Bill {} .. {} total={}>", format_utc(b.period.start),
                           format_utc(b.period.end), b.total.to_exact_string());
      });

  m.def(
      "compute_bill",
      [](const pyb::object& ts, const pyb::handle& energy_milli, const bi::tariff& tariff,
         const std::string& zone, const pyb::handle& start, const pyb::handle& end,
         std::int32_t interval_seconds, const pyb::handle& quality, bool prorate_monthly_charges,
         std::int32_t meters, std::int32_t energy_per_wh) {
        auto data = series_of(ts, energy_milli, interval_seconds, quality);
        data.energy_per_wh = energy_per_wh;
        const auto period = period_of(start, end);
        const auto z = find_zone(zone);
        pyb::gil_scoped_release release;
        return bi::compute_bill(
            data, tariff, z, period,
            {.prorate_monthly_charges = prorate_monthly_charges, .meters = meters});
      },
      pyb::arg("ts"), pyb::arg("energy_milli"), pyb::arg("tariff"), pyb::kw_only(),
      pyb::arg("zone"), pyb::arg("start"), pyb::arg("end"), pyb::arg("interval_seconds") = 0,
      pyb::arg("quality") = pyb::none(), pyb::arg("prorate_monthly_charges") = false,
      pyb::arg("meters") = 1, pyb::arg("energy_per_wh") = 1,
      "The bill for [start, end) (RFC 3339 with offset, or epoch seconds) from interval energy "
      "(int64 Wh per "
      "interval starting at ts, datetime64[ns] UTC) under `tariff` in the building's zone. "
      "energy_per_wh=1000 reads energy_milli as mWh, so sub-Wh loads are priced exactly.");

  m.def(
      "compute_monthly_bills",
      [](const pyb::object& ts, const pyb::handle& energy_milli, const bi::tariff& tariff,
         const std::string& zone, const pyb::handle& start, const pyb::handle& end,
         std::int32_t interval_seconds, const pyb::handle& quality, std::int32_t meters,
         std::int32_t energy_per_wh) {
        auto data = series_of(ts, energy_milli, interval_seconds, quality);
        data.energy_per_wh = energy_per_wh;
        const auto span = period_of(start, end);
        const auto z = find_zone(zone);
        pyb::gil_scoped_release release;
        return bi::compute_monthly_bills(data, tariff, z, span, {.meters = meters});
      },
      pyb::arg("ts"), pyb::arg("energy_milli"), pyb::arg("tariff"), pyb::kw_only(),
      pyb::arg("zone"), pyb::arg("start"), pyb::arg("end"), pyb::arg("interval_seconds") = 0,
      pyb::arg("quality") = pyb::none(), pyb::arg("meters") = 1, pyb::arg("energy_per_wh") = 1,
      "One Bill per local calendar month of [start, end) in the building's zone (a year gives "
      "twelve); a partial first or last month pays its monthly charges pro rata.");
  m.def(
      "compute_cycle_bills",
      [](const pyb::object& ts, const pyb::handle& energy_milli, const bi::tariff& tariff,
         const std::string& zone, const pyb::list& reads, std::int32_t interval_seconds,
         const pyb::handle& quality, bool prorate_monthly_charges, std::int32_t meters) {
        const auto data = series_of(ts, energy_milli, interval_seconds, quality);
        std::vector<utc_seconds> at;
        for (const auto& h : reads)
          at.push_back(to_instant(h, "reads", from_epoch(0)));
        const auto periods = bi::billing_cycles(at);
        const auto z = find_zone(zone);
        pyb::gil_scoped_release release;
        return bi::compute_bills(
            data, tariff, z, periods,
            {.prorate_monthly_charges = prorate_monthly_charges, .meters = meters});
      },
      pyb::arg("ts"), pyb::arg("energy_milli"), pyb::arg("tariff"), pyb::kw_only(),
      pyb::arg("zone"), pyb::arg("reads"), pyb::arg("interval_seconds") = 0,
      pyb::arg("quality") = pyb::none(), pyb::arg("prorate_monthly_charges") = false,
      pyb::arg("meters") = 1,
      "One Bill per billing cycle between consecutive meter reads (instants, ascending).");

  m.def(
      "peak_demand",
      [](const pyb::object& ts, const pyb::handle& energy_milli, const pyb::handle& start,
         const pyb::handle& end, std::int32_t window_seconds,
         std::int32_t interval_seconds) -> pyb::object {
        const auto data = series_of(ts, energy_milli, interval_seconds, pyb::none());
        const auto p = bi::peak_demand(data, period_of(start, end), window_seconds);
        if (!p) return pyb::none();
        return pyb::make_tuple(p->demand, format_utc(p->at));
      },
      pyb::arg("ts"), pyb::arg("energy_milli"), pyb::kw_only(), pyb::arg("start"), pyb::arg("end"),
      pyb::arg("window_seconds"), pyb::arg("interval_seconds") = 0,
      "(demand in W, window start) of the highest clock-aligned window average in [start, end), or "
      "None.");

  pyb::class_<bi::utility_bill>(m, "UtilityBill",
                                "A bill as the utility issued it (period [start, end) UTC).")
      .def(pyb::init([](const pyb::handle& start, const pyb::handle& end, milli consumption_milli,
                        const pyb::handle& amount, std::optional<milli> peak_demand_milli,
                        bool estimated, const std::string& id, const std::string& source) {
             bi::utility_bill b;
             b.period = period_of(start, end);
             b.consumption = consumption_milli;
             b.peak_demand = peak_demand_milli;
             b.amount_stated = !amount.is_none();
             if (b.amount_stated) b.amount = to_money(amount, "amount");
             b.estimated = estimated;
             b.id = id;
             b.source = source;
             return b;
           }),
           pyb::arg("start"), pyb::arg("end"), pyb::arg("consumption_milli"), pyb::arg("amount"),
           pyb::kw_only(), pyb::arg("peak_demand_milli") = pyb::none(),
           pyb::arg("estimated") = false, pyb::arg("id") = "", pyb::arg("source") = "python")
      .def_readonly("id", &bi::utility_bill::id)
      .def_property_readonly("start",
                             [](const bi::utility_bill& b) { return utc_text(b.period.start); })
      .def_property_readonly("end",
                             [](const bi::utility_bill& b) { return utc_text(b.period.end); })
      .def_readonly("consumption_milli", &bi::utility_bill::consumption)
      .def_readonly("peak_demand_milli", &bi::utility_bill::peak_demand)
      .def_readonly("demand_interval_seconds", &bi::utility_bill::demand_interval_seconds)
      .def_property_readonly("amount",
                             [](const bi::utility_bill& b) { return b.amount.to_exact_string(); })
      .def_readonly("estimated", &bi::utility_bill::estimated)
      .def_readonly("source", &bi::utility_bill::source)
      .def_readonly("amount_stated", &bi::utility_bill::amount_stated)
      .def_readonly("consumption_stated", &bi::utility_bill::consumption_stated)
      .def("__repr__", [](const bi::utility_bill& b) {
        return fmt::format("<UtilityBill {} .. {} {} Wh ${}>", format_utc(b.period.start),
                           format_utc(b.period.end), b.consumption, b.amount.to_exact_string());
      });

  const auto bills_csv = [](const pyb::handle& zone, const std::string& end) {
    bi::bills_csv_options o;
    if (!zone.is_none()) o.zone = find_zone(zone.cast<std::string>());
    o.end = enum_arg<bi::end_date>(end, "end");
    return o;
  };
  // Errors beyond the reader's limit are counted; the list ends by saying how many.
  const auto listed_errors = [](const bi::bills_csv_result& r) {
    auto errors = r.errors;
    if (r.errors_not_listed > 0)
      errors.push_back(fmt::format("... and {} more rejected rows", r.errors_not_listed));
    return errors;
  };
  m.def(
      "read_bills_csv",
      [bills_csv, listed_errors](const std::string& path, const pyb::handle& zone,
                                 const std::string& end) {
        const auto r = bi::read_bills_csv(path, bills_csv(zone, end));
        return pyb::make_tuple(r.bills, listed_errors(r));
      },
      pyb::arg("path"), pyb::kw_only(), pyb::arg("zone") = pyb::none(),
      pyb::arg("end") = "exclusive",
      "Utility bills from CSV (period_start, period_end, kwh, peak_kw, amount, estimated, id). "
      "Returns (bills, "
      "errors): bad rows are listed with file, line and column while valid rows still load. "
      "Date-only values are "
      "local midnight in `zone`.");
  m.def(
      "parse_bills_csv",
      [bills_csv, listed_errors](const std::string& text, const std::string& source,
                                 const pyb::handle& zone, const std::string& end) {
        const auto r = bi::parse_bills_csv(text, source, bills_csv(zone, end));
        return pyb::make_tuple(r.bills, listed_errors(r));
      },
      pyb::arg("text"), pyb::arg("source") = "<bills>", pyb::kw_only(),
      pyb::arg("zone") = pyb::none(), pyb::arg("end") = "exclusive",
      "read_bills_csv from text in memory.");

  pyb::class_<bi::reconciliation_report>(
      m, "ReconciliationReport", "Each utility bill checked against our bill for the same period.")
      .def_readonly("tariff_name", &bi::reconciliation_report::tariff_name)
      .def_readonly("zone", &bi::reconciliation_report::zone)
      .def_readonly("demand_window_seconds", &bi::reconciliation_report::demand_window_seconds)
      .def_property_readonly("flagged", &bi::reconciliation_report::flagged)
      .def_property_readonly(
          "checks",
          [](const bi::reconciliation_report& r) {
            pyb::list id, billed_amount, computed_total, cost_diff, billed_rate, computed_rate,
                kinds, messages;
            std::vector<std::int64_t> start, end, billed_kwh, computed_kwh, kwh_diff, billed_kw,
                computed_kw;
            std::vector<double> coverage;
            for (const auto& c : r.checks) {
              id.append(c.billed.id);
              start.push_back(to_epoch(c.billed.period.start));
              end.push_back(to_epoch(c.billed.period.end));
              billed_kwh.push_back(c.billed.consumption);
              computed_kwh.push_back(c.computed ? c.computed->energy : 0);
              kwh_diff.push_back(c.consumption_diff);
              billed_kw.push_back(c.billed.peak_demand.value_or(-1));
              computed_kw.push_back(c.computed ? c.computed->peak_demand : 0);
              billed_amount.append(c.billed.amount_stated
                                       ? pyb::object(pyb::str(c.billed.amount.to_exact_string()))
                                       : pyb::object(pyb::none()));
              computed_total.append(c.computed
                                        ? pyb::object(pyb::str(c.computed->total.to_exact_string()))
                                        : pyb::object(pyb::none()));
              cost_diff.append(c.cost_diff.to_exact_string());
              billed_rate.append(c.billed_rate
                                     ? pyb::object(pyb::str(c.billed_rate->to_exact_string()))
                                     : pyb::object(pyb::none()));
              computed_rate.append(c.computed_rate
                                       ? pyb::object(pyb::str(c.computed_rate->to_exact_string()))
                                       : pyb::object(pyb::none()));
              coverage.push_back(c.computed ? c.computed->coverage() : 0.0);
              pyb::list k, msg;
              for (const auto& f : c.findings) {
                k.append(std::string(bi::to_string(f.kind)));
                msg.append(f.message);
              }
              kinds.append(k);
              messages.append(msg);
            }
            pyb::dict out;
            out["id"] = id;
            out["start"] = to_datetime64_ns(std::move(start));
            out["end"] = to_datetime64_ns(std::move(end));
            out["billed_energy_milli"] = to_numpy(std::move(billed_kwh));
            out["computed_energy_milli"] = to_numpy(std::move(computed_kwh));
            out["energy_diff_milli"] = to_numpy(std::move(kwh_diff));
            out["billed_demand_milli"] = to_numpy(std::move(billed_kw));
            out["computed_demand_milli"] = to_numpy(std::move(computed_kw));
            out["billed_amount"] = billed_amount;
            out["computed_total"] = computed_total;
            out["cost_diff"] = cost_diff;
            out["billed_rate"] = billed_rate;
            out["computed_rate"] = computed_rate;
            out["coverage"] = to_numpy(std::move(coverage));
            out["findings"] = kinds;
            out["messages"] = messages;
            return out;
          },
          "One entry per bill as columns (billed_demand_milli is -1 where the bill states no "
          "demand); "
          "energy.reconciliation_frame makes a DataFrame.")
      .def(
          "to_json",
          [](const bi::reconciliation_report& r, int indent) {
            return io::reconciliation_to_json(r, indent);
          },
          pyb::arg("indent") = 2)
      .def("to_csv", [](const bi::reconciliation_report& r) { return bi::to_csv(r); });

  m.def(
      "reconcile",
      [](const std::vector<bi::utility_bill>& bills, const pyb::object& ts,
         const pyb::handle& energy_milli, const bi::tariff& tariff, const std::string& zone,
         std::int32_t interval_seconds, const pyb::handle& quality, double energy_rel,
         double demand_rel, double cost_rel, double rate_rel, const pyb::handle& cost_abs,
         const pyb::handle& demand_intervals) {
        const auto data = series_of(ts, energy_milli, interval_seconds, quality);
        const auto z = find_zone(zone);
        bi::reconcile_options o;
        o.tolerance.energy_rel = energy_rel;
        o.tolerance.demand_rel = demand_rel;
        o.tolerance.cost_rel = cost_rel;
        o.tolerance.rate_rel = rate_rel;
        if (!cost_abs.is_none()) o.tolerance.cost_abs = to_money(cost_abs, "cost_abs");
        o.demand_intervals = demand_intervals_of(demand_intervals);
        pyb::gil_scoped_release release;
        return bi::reconcile(bills, data, tariff, z, o);
      },
      pyb::arg("bills"), pyb::arg("ts"), pyb::arg("energy_milli"), pyb::arg("tariff"),
      pyb::kw_only(), pyb::arg("zone"), pyb::arg("interval_seconds") = 0,
      pyb::arg("quality") = pyb::none(), pyb::arg("energy_rel") = 0.01,
      pyb::arg("demand_rel") = 0.02, pyb::arg("cost_rel") = 0.01, pyb::arg("rate_rel") = 0.02,
      pyb::arg("cost_abs") = pyb::none(), pyb::arg("demand_intervals") = pyb::none(),
      "Checks utility bills against bills computed from interval energy under `tariff` in the "
      "building's zone: "
      "consumption, demand, cost and rate within tolerance, gaps/overlaps/duplicates, estimated or "
      "missing data.");
}

}  // namespace energy::py
