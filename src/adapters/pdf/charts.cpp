// SPDX-License-Identifier: Apache-2.0
#include "charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include <energy/report/format.hpp>

namespace energy::report::pdf {
namespace {

constexpr style title_style{"DejaVu Sans Bold 10", colors::ink, align::left};
constexpr style axis_style{"DejaVu Sans 6.5", colors::muted, align::right};
constexpr style label_style{"DejaVu Sans 6.5", colors::muted, align::center};
constexpr style legend_style{"DejaVu Sans 7", colors::ink, align::left};

/// A round axis maximum and tick step above `v` (1, 2, 5 × 10^k steps, about 5 ticks).
std::pair<double, double> nice_axis(double v) {
  if (!(v > 0)) return {1.0, 0.2};
  const double raw = v / 5.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  return {std::ceil(v / step) * step, step};
}

std::string tick_label(double v, double step) {
  return format_number(v, step >= 1.0 ? 0 : step >= 0.1 ? 1 : 2);
}

/// Title above the plot, y axis with ticks and grid; returns the plot area.
box frame(canvas& c, box b, const std::string& title, double y_max, double step,
          const std::string& unit) {
  c.text(b.x, b.y, b.w, title, title_style);
  const box plot{b.x + 44, b.y + 30, b.w - 52, b.h - 60};
  for (double v = 0; v <= y_max + step / 2; v += step) {
    const double y = plot.y + plot.h - v / y_max * plot.h;
    c.line(plot.x, y, plot.x + plot.w, y, colors::rule, 0.4);
    c.text(plot.x - 44, y - 4, 40, tick_label(v, step), axis_style);
  }
  c.text(b.x, b.y + 15, 100, unit, {"DejaVu Sans 6.5", colors::muted, align::left});
  c.line(plot.x, plot.y + plot.h, plot.x + plot.w, plot.y + plot.h, colors::muted, 0.6);
  return plot;
}

void legend_entry(canvas& c, double x, double y, rgb color, const std::string& text) {
  c.fill_rect(x, y + 2, 8, 6, color);
  c.text(x + 11, y, 150, text, legend_style);
}

}  // namespace

void daily_chart(canvas& c, box b, const std::vector<day_point>& days, const std::string& title,
                 bool forecast) {
  double top = 0;
  for (const auto& d : days) {
    top = std::max(top, from_milli(d.consumption));
    if (d.upper_kwh) top = std::max(top, *d.upper_kwh);
    if (d.expected_kwh) top = std::max(top, *d.expected_kwh);
  }
  const auto [y_max, step] = nice_axis(top);
  const auto plot = frame(c, b, title, y_max, step, "kWh per day");
  if (days.empty()) return;
  const double slot = plot.w / static_cast<double>(days.size());
  const auto y_of = [&](double v) { return plot.y + plot.h - v / y_max * plot.h; };
  // The band as one polygon per run of days that have it.
  cairo_t* cr = c.cr();
  std::size_t i = 0;
  while (i < days.size()) {
    if (!days[i].lower_kwh) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < days.size() && days[j].lower_kwh)
      ++j;
    c.set_color(colors::band);
    cairo_move_to(cr, plot.x + slot * static_cast<double>(i), y_of(*days[i].upper_kwh));
    for (std::size_t k = i; k < j; ++k) {
      cairo_line_to(cr, plot.x + slot * static_cast<double>(k), y_of(*days[k].upper_kwh));
      cairo_line_to(cr, plot.x + slot * static_cast<double>(k + 1), y_of(*days[k].upper_kwh));
    }
    for (std::size_t k = j; k-- > i;) {
      cairo_line_to(cr, plot.x + slot * static_cast<double>(k + 1), y_of(*days[k].lower_kwh));
      cairo_line_to(cr, plot.x + slot * static_cast<double>(k), y_of(*days[k].lower_kwh));
    }
    cairo_close_path(cr);
    cairo_fill(cr);
    i = j;
  }
  // Actual consumption bars (lighter where the day is incomplete).
  for (std::size_t k = 0; k < days.size(); ++k) {
    const double v = from_milli(days[k].consumption);
    if (v <= 0) continue;
    const rgb color = days[k].coverage >= 0.999 ? colors::accent : colors::warn;
    c.fill_rect(plot.x + slot * static_cast<double>(k) + slot * 0.15, y_of(v), slot * 0.7,
                plot.y + plot.h - y_of(v), color);
  }
  // Expected line.
  for (std::size_t k = 0; k + 1 < days.size(); ++k)
    if (days[k].expected_kwh && days[k + 1].expected_kwh)
      c.line(plot.x + slot * (static_cast<double>(k) + 0.5), y_of(*days[k].expected_kwh),
             plot.x + slot * (static_cast<double>(k) + 1.5), y_of(*days[k + 1].expected_kwh),
             colors::ink, 0.8, true);
  // Day labels: about 10 across.
  const std::size_t every = std::max<std::size_t>(1, (days.size() + 9) / 10);
  for (std::size_t k = 0; k < days.size(); k += every) {
    const std::chrono::year_month_day ymd{days[k].day};
    c.text(plot.x + slot * static_cast<double>(k) - 10, plot.y + plot.h + 3, slot + 20,
           fmt::format("{:02}-{:02}", static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day())),
           label_style);
  }
  const double ly = b.y + b.h - 8;
  legend_entry(c, plot.x, ly, colors::accent, forecast ? "recorded so far" : "consumption");
  legend_entry(c, plot.x + 110, ly, colors::warn, "day with missing readings");
  legend_entry(c, plot.x + 250, ly, colors::band,
               forecast ? "forecast band (90%)" : "baseline band (90%)");
}

void heat_map(canvas& c, box b, const load_profile& p) {
  c.text(b.x, b.y, b.w, "Load profile: mean kWh by local hour and weekday", title_style);
  double lo = 0, hi = 0;
  bool any = false;
  for (std::size_t d = 0; d < 7; ++d)
    for (std::size_t h = 0; h < 24; ++h)
      if (p.samples[d][h] > 0) {
        lo = any ? std::min(lo, p.mean_kwh[d][h]) : p.mean_kwh[d][h];
        hi = any ? std::max(hi, p.mean_kwh[d][h]) : p.mean_kwh[d][h];
        any = true;
      }
  const box grid{b.x + 34, b.y + 20, b.w - 40, b.h - 48};
  const double cw = grid.w / 24.0;
  const double ch = grid.h / 7.0;
  static constexpr std::array<const char*, 7> names{"Mon", "Tue", "Wed", "Thu",
                                                    "Fri", "Sat", "Sun"};
  for (std::size_t d = 0; d < 7; ++d) {
    c.text(b.x, grid.y + ch * static_cast<double>(d) + ch / 2 - 4, 30, names[d], axis_style);
    for (std::size_t h = 0; h < 24; ++h) {
      const double x = grid.x + cw * static_cast<double>(h);
      const double y = grid.y + ch * static_cast<double>(d);
      if (p.samples[d][h] == 0) {
        c.stroke_rect(x + 0.5, y + 0.5, cw - 1, ch - 1, colors::rule);
        continue;
      }
      const double t = hi > lo ? (p.mean_kwh[d][h] - lo) / (hi - lo) : 0.5;
      // Light yellow (low) to dark red (high).
      const rgb color{1.0 - 0.35 * t, 0.95 - 0.75 * t, 0.75 - 0.65 * t};
      c.fill_rect(x, y, cw, ch, color);
    }
  }
  for (std::size_t h = 0; h < 24; h += 3)
    c.text(grid.x + cw * static_cast<double>(h) - 5, grid.y + grid.h + 2, cw + 10,
           fmt::format("{:02}:00", h), label_style);
  const double ly = b.y + b.h - 12;
  if (any) {
    c.text(grid.x, ly, 400,
           fmt::format("lightest {} kWh, darkest {} kWh per hour; empty cells: no data",
                       format_number(lo, 1), format_number(hi, 1)),
           legend_style);
  } else {
    c.text(grid.x, ly, 400, "no hourly data in the period", legend_style);
  }
}

void monthly_peaks(canvas& c, box b, const std::vector<month_point>& months,
                   const std::string& title) {
  double top = 0;
  for (const auto& m : months)
    top = std::max(top, from_milli(m.peak_demand));
  const auto [y_max, step] = nice_axis(top);
  const auto plot = frame(c, b, title, y_max, step, "kW");
  if (months.empty()) return;
  const double slot = plot.w / static_cast<double>(months.size());
  static constexpr std::array<const char*, 12> names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t k = 0; k < months.size(); ++k) {
    const double x = plot.x + slot * static_cast<double>(k);
    const auto m = static_cast<unsigned>(months[k].month.month());
    c.text(x, plot.y + plot.h + 3, slot,
           fmt::format("{} {:02}", names[m - 1], static_cast<int>(months[k].month.year()) % 100),
           label_style);
    if (!months[k].has_data) continue;
    const double v = from_milli(months[k].peak_demand);
    const double h = v / y_max * plot.h;
    c.fill_rect(x + slot * 0.2, plot.y + plot.h - h, slot * 0.6, h, colors::accent);
  }
}

void bill_breakdown(canvas& c, box b, const std::vector<bill_part>& bills,
                    const std::string& currency) {
  c.text(b.x, b.y, b.w, "Bill breakdown", title_style);
  if (bills.empty()) {
    c.text(b.x, b.y + 24, b.w, "No tariff was given for this building, so no bill was computed.",
           legend_style);
    return;
  }
  static constexpr std::array<billing::line_kind, 5> kinds{
      billing::line_kind::fixed, billing::line_kind::energy, billing::line_kind::demand,
      billing::line_kind::flat_demand, billing::line_kind::minimum};
  static constexpr std::array<rgb, 5> palette{rgb{0.55, 0.60, 0.66}, colors::accent,
                                              rgb{0.85, 0.50, 0.15}, rgb{0.60, 0.30, 0.55},
                                              rgb{0.35, 0.65, 0.45}};
  std::array<money, 5> sums{};
  money total;
  for (const auto& p : bills) {
    for (const auto& l : p.bill.lines)
      for (std::size_t k = 0; k < kinds.size(); ++k)
        // Coincident-peak demand is a demand charge: it joins the demand segment.
        if (l.kind == kinds[k] || (l.kind == billing::line_kind::coincident_peak &&
                                   kinds[k] == billing::line_kind::demand))
          sums[k] += l.amount;
    total += p.bill.total;
  }
  const box bar{b.x, b.y + 22, b.w, 18};
  double x = bar.x;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    if (total.micros() <= 0 || sums[k].micros() <= 0) continue;
    const double w =
        bar.w * static_cast<double>(sums[k].micros()) / static_cast<double>(total.micros());
    c.fill_rect(x, bar.y, w, bar.h, palette[k]);
    x += w;
  }
  double y = bar.y + bar.h + 8;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    if (sums[k].micros() == 0) continue;
    legend_entry(c, b.x, y, palette[k], std::string(billing::to_string(kinds[k])));
    c.text(b.x + 120, y, 100, fmt::format("{} {}", format_money(sums[k]), currency),
           {"DejaVu Sans 7", colors::ink, align::right});
    y += 12;
  }
  c.text(b.x, y + 2, 120, "total", {"DejaVu Sans Bold 7", colors::ink, align::left});
  c.text(b.x + 120, y + 2, 100, fmt::format("{} {}", format_money(total), currency),
         {"DejaVu Sans Bold 7", colors::ink, align::right});
}

void eui_ranking(canvas& c, box b, const std::vector<comparison_row>& rows) {
  c.text(b.x, b.y, b.w, "Electricity use intensity, annualised (kWh/ft²/yr)", title_style);
  double top = 0;
  std::size_t n = 0;
  for (const auto& r : rows)
    if (r.eui_kwh_per_ft2_year) {
      top = std::max(top, *r.eui_kwh_per_ft2_year);
      ++n;
    }
  if (n == 0) {
    c.text(b.x, b.y + 24, b.w, "No building has both data and a floor area.", legend_style);
    return;
  }
  const auto [x_max, step] = nice_axis(top);
  (void)step;
  const double row_h = std::min(14.0, (b.h - 24) / static_cast<double>(n));
  const double label_w = 150;
  const double plot_w = b.w - label_w - 50;
  double y = b.y + 20;
  for (const auto& r : rows) {
    if (!r.eui_kwh_per_ft2_year) continue;
    c.text(b.x, y + row_h / 2 - 5, label_w - 6, fmt::format("{}. {}", r.rank, r.name),
           {"DejaVu Sans 6.5", colors::ink, align::right});
    const double w = *r.eui_kwh_per_ft2_year / x_max * plot_w;
    c.fill_rect(b.x + label_w, y + 1, w, row_h - 2, colors::accent);
    c.text(b.x + label_w + w + 3, y + row_h / 2 - 5, 50, format_number(*r.eui_kwh_per_ft2_year, 2),
           legend_style);
    y += row_h;
  }
}

}  // namespace energy::report::pdf
