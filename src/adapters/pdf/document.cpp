// SPDX-License-Identifier: Apache-2.0
// The report as an A4 PDF: pages, title block, KPI tiles, insights, charts, tables, page numbers.
#include <cairo-pdf.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <memory>

#include <energy/error.hpp>
#include <energy/report/format.hpp>
#include <energy/report/pdf.hpp>

#include "canvas.hpp"
#include "charts.hpp"

namespace energy::report {
namespace {

using namespace pdf;

constexpr double footer_space = 30;
constexpr std::size_t max_anomaly_rows = 40;

struct column {
  const char* title;
  double width;
  align alignment = align::left;
};

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  if (closure != nullptr)
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string local_minute(utc_seconds t, const time_zone& zone) {
  const auto l = std::chrono::floor<std::chrono::minutes>(zone.to_local(t));
  const auto day = std::chrono::floor<std::chrono::days>(l);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::minutes> tod{l - day};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     tod.hours().count(), tod.minutes().count());
}

std::string type_title(const report& r) {
  switch (r.type) {
    case report_type::efficiency:
      return "Energy efficiency report";
    case report_type::forecast:
      return "Energy forecast report";
    case report_type::comparison:
      return "Portfolio comparison report";
  }
  return "Report";
}

/// Lays pages out top to bottom; `total_pages` is known on the second pass (0 on the first).
class document {
 public:
  document(const report& r, std::string* out, int total_pages) : r_(r), total_(total_pages) {
    surface_ = cairo_pdf_surface_create_for_stream(append_bytes, out, page_width, page_height);
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title().c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "energy");
    cr_ = cairo_create(surface_);
    canvas_ = std::make_unique<canvas>(cr_);
    y_ = margin;
  }
  ~document() {
    canvas_.reset();
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  document(const document&) = delete;
  document& operator=(const document&) = delete;

  /// Ends the document; returns the number of pages. @throws energy::error on a cairo failure.
  int finish() {
    footer();
    cairo_show_page(cr_);
    cairo_surface_finish(surface_);
    if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS)
      throw error(std::string("pdf: cairo failed: ") +
                  cairo_status_to_string(cairo_surface_status(surface_)));
    return page_;
  }

  std::string title() const {
    const std::string subject = r_.subject ? r_.subject->name : r_.owner ? r_.owner->name : "";
    return fmt::format("{}: {}, {}", type_title(r_), subject, r_.window.label);
  }

  void new_page() {
    footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = margin;
  }
  void ensure(double h) {
    if (y_ + h > page_height - margin - footer_space) new_page();
  }
  canvas& c() { return *canvas_; }
  double& y() { return y_; }

  void title_block() {
    auto& c = *canvas_;
    c.fill_rect(0, 0, page_width, 6, colors::accent);
    y_ += c.text(margin, y_, content_width, type_title(r_), {"DejaVu Sans Bold 18"});
    std::string subject;
    if (r_.subject)
      subject = r_.subject->name + (r_.subject->address.empty() ? "" : " — " + r_.subject->address);
    else if (r_.owner)
      subject = "Buildings of " + r_.owner->name;
    y_ += c.text(margin, y_ + 2, content_width, subject, {"DejaVu Sans 12"}) + 4;
    const auto line = fmt::format(
        "Period {} ({} to {}, {} days, local time {}) · generated {} · report {}", r_.window.label,
        format_date(r_.window.first_day), format_date(r_.window.end_day - std::chrono::days{1}),
        r_.window.days(), r_.time_zone, format_utc(r_.generated_at), r_.report_id);
    y_ += c.text(margin, y_, content_width, line, {"DejaVu Sans 7.5", colors::muted}) + 10;
    c.line(margin, y_, margin + content_width, y_, colors::rule, 0.6);
    y_ += 10;
  }

  void heading(const std::string& text) {
    ensure(40);
    y_ += canvas_->text(margin, y_, content_width, text, {"DejaVu Sans Bold 12"}) + 6;
  }

  void paragraph(const std::string& text, const style& s = {"DejaVu Sans 9"}) {
    const double h = canvas_->measure(content_width, text, s);
    ensure(h);
    y_ += canvas_->text(margin, y_, content_width, text, s) + 4;
  }

  /// KPI tiles, four per row.
  void tiles(const std::vector<std::pair<std::string, std::string>>& items) {
    constexpr int per_row = 4;
    constexpr double gap = 8;
    const double w = (content_width - gap * (per_row - 1)) / per_row;
    constexpr double h = 50;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto col = static_cast<double>(i % per_row);
      if (i % per_row == 0) {
        if (i > 0) y_ += h + gap;
        ensure(h);
      }
      const double x = margin + col * (w + gap);
      canvas_->fill_rect(x, y_, w, h, colors::tile);
      canvas_->text(x + 6, y_ + 5, w - 12, items[i].first, {"DejaVu Sans 7", colors::muted});
      canvas_->text(x + 6, y_ + 18, w - 12, items[i].second, {"DejaVu Sans Bold 10.5"});
    }
    y_ += h + 14;
  }

  /// A table with a header row repeated on each page; cells wrap.
  void table(const std::vector<column>& cols, const std::vector<std::vector<std::string>>& rows) {
    const style head{"DejaVu Sans Bold 7", colors::muted};
    const auto header = [&] {
      double x = margin;
      for (const auto& col : cols) {
        canvas_->text(x + 2, y_, col.width - 4, col.title, {head.font, head.color, col.alignment});
        x += col.width;
      }
      y_ += 12;
      canvas_->line(margin, y_, margin + content_width, y_, colors::rule, 0.6);
      y_ += 2;
    };
    ensure(40);
    header();
    bool shade = false;
    for (const auto& row : rows) {
      double h = 0;
      for (std::size_t k = 0; k < cols.size(); ++k)
        h = std::max(h, canvas_->measure(cols[k].width - 4, row[k],
                                         {"DejaVu Sans 7", colors::ink, align::left, true}));
      h += 4;
      if (y_ + h > page_height - margin - footer_space) {
        new_page();
        header();
      }
      if (shade) canvas_->fill_rect(margin, y_, content_width, h, colors::zebra);
      shade = !shade;
      double x = margin;
      for (std::size_t k = 0; k < cols.size(); ++k) {
        canvas_->text(x + 2, y_ + 2, cols[k].width - 4, row[k],
                      {"DejaVu Sans 7", colors::ink, cols[k].alignment, true});
        x += cols[k].width;
      }
      y_ += h;
    }
    y_ += 10;
  }

 private:
  void footer() {
    const double y = page_height - margin + 8;
    canvas_->line(margin, y - 4, margin + content_width, y - 4, colors::rule, 0.4);
    canvas_->text(margin, y, content_width / 2, title(), {"DejaVu Sans 6.5", colors::muted});
    const auto label = total_ > 0 ? fmt::format("Page {} of {}", page_, total_)
                                  : fmt::format("Page {} of {}", page_, page_);
    canvas_->text(margin + content_width / 2, y, content_width / 2, label,
                  {"DejaVu Sans 6.5", colors::muted, align::right});
  }

  const report& r_;
  int total_;
  int page_ = 1;
  double y_ = 0;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  std::unique_ptr<canvas> canvas_;
};

std::string with_currency(const money& m, const std::string& currency) {
  return currency.empty() ? format_money(m) + " (currency not stated)"
                          : format_money(m) + " " + currency;
}

std::string percent_or(const std::optional<double>& p, const std::string& otherwise = "n/a") {
  return p ? format_percent(*p) : otherwise;
}

void insights_and_notes(document& d, const report& r, bool notes) {
  if (!r.insights.empty()) {
    d.heading("Insights");
    for (const auto& i : r.insights)
      d.paragraph("• " + i.text);
  }
  if (notes && !r.notes.empty()) {
    d.heading("Notes");
    for (const auto& n : r.notes)
      d.paragraph("• " + n, {"DejaVu Sans 8", colors::muted});
  }
}

void building_pages(document& d, const report& r) {
  const auto& k = r.headline;
  const auto zone = find_zone(r.time_zone);
  std::vector<std::pair<std::string, std::string>> tiles{
      {"Consumption", format_kwh(k.consumption) + " kWh"},
      {"Peak demand", format_kw(k.peak_demand) + " kW"},
      {"Cost", k.cost ? with_currency(*k.cost, r.currency) : "unknown"},
      {"EUI (annualised)", k.eui_kbtu_per_ft2_year
                               ? format_number(*k.eui_kbtu_per_ft2_year, 1) + " kBtu/ft²/yr"
                               : "no floor area"},
      {"vs previous period", percent_or(k.previous_period.percent)},
      {"vs last year", percent_or(k.same_period_last_year.percent)},
      {"vs baseline", r.baseline && r.baseline->days_compared > 0
                          ? format_percent(r.baseline->deviation_percent)
                          : "no baseline"},
      {"Data coverage", format_number(100.0 * k.coverage, 1) + "%"}};
  d.tiles(tiles);
  d.paragraph("Cost: " + k.cost_basis + ".", {"DejaVu Sans 7.5", pdf::colors::muted});
  insights_and_notes(d, r, false);

  // Charts: daily with the baseline band, heat map, monthly peaks.
  d.new_page();
  d.y() += 4;
  daily_chart(d.c(), {margin, d.y(), content_width, 230}, r.daily,
              r.baseline ? fmt::format("Daily consumption and the {} baseline",
                                       r.baseline->weather_normalised ? "weather-normalised"
                                                                      : "weather-free")
                         : "Daily consumption (no baseline: see notes)",
              false);
  d.y() += 250;
  heat_map(d.c(), {margin, d.y(), content_width, 200}, r.profile);
  d.y() += 215;
  monthly_peaks(
      d.c(), {margin, d.y(), content_width, 200}, r.monthly,
      fmt::format("Monthly peak demand (highest {}-minute average)", k.demand_window_minutes));

  // Bill breakdown (and the forecast) on the next chart page.
  d.new_page();
  bill_breakdown(d.c(), {margin, d.y(), content_width, 130}, r.bills, r.currency);
  d.y() += 130;
  if (!r.bills.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : r.bills)
      rows.push_back({local_minute(p.bill.period.start, zone),
                      local_minute(p.bill.period.end, zone), p.tariff_name,
                      format_kwh(p.bill.energy), format_kw(p.bill.peak_demand),
                      with_currency(p.bill.total, p.currency)});
    d.table({{"From (local)", 70},
             {"To (local)", 70},
             {"Tariff", 175},
             {"kWh", 60, align::right},
             {"Peak kW", 50, align::right},
             {"Total", 86, align::right}},
            rows);
  }
  if (r.forecast) {
    const auto& f = *r.forecast;
    d.ensure(300);
    d.heading("Forecast for " + f.horizon.label);
    d.paragraph(fmt::format(
        "Expected {} kWh, {:.0f}% band {} to {} kWh over {} predicted days; model {} ({}); "
        "temperatures: {}.{}",
        format_kwh(f.expected_kwh), 100.0 * f.interval_level, format_kwh(f.lower_kwh),
        format_kwh(f.upper_kwh), f.days_predicted, f.model,
        f.weather_normalised ? "weather-normalised" : "weather-free", f.temperature_assumption,
        f.expected_cost ? " Expected cost before demand charges " +
                              with_currency(*f.expected_cost, r.currency) + "."
                        : ""));
    daily_chart(d.c(), {margin, d.y(), content_width, 220}, f.days, "Daily forecast", true);
    d.y() += 235;
  }

  // Tables.
  d.new_page();
  d.heading(fmt::format("Anomalies ({})", r.anomalies.size()));
  if (r.anomalies.empty()) {
    d.paragraph("No anomaly was detected in the period.");
  } else {
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < std::min(r.anomalies.size(), max_anomaly_rows); ++i) {
      const auto& a = r.anomalies[i];
      rows.push_back({local_minute(a.range.start, zone), std::string(anomaly::to_string(a.kind)),
                      std::string(anomaly::to_string(a.severity)), format_milli(a.expected),
                      format_milli(a.actual), a.explanation});
    }
    d.table({{"Start (local)", 62},
             {"Kind", 78},
             {"Severity", 44},
             {"Expected kWh", 52, align::right},
             {"Actual kWh", 52, align::right},
             {"What was found", 223}},
            rows);
    if (r.anomalies.size() > max_anomaly_rows)
      d.paragraph(fmt::format("… and {} more, listed in the JSON report.",
                              r.anomalies.size() - max_anomaly_rows));
  }
  d.heading(fmt::format("Recommendations ({})", r.recommendations.size()));
  if (r.recommendations.empty()) {
    d.paragraph("No recommendation: no rule found evidence enough to fire.");
  } else {
    // Every recommendation of a report is measured over the same history: say once what the
    // savings cover (a year, or the observed days, never scaled up).
    const auto& first = r.recommendations.front();
    d.paragraph("Savings over " + format_saving_period(first.per_year, first.coverage_days) +
                    (first.per_year ? "" : " (less than a year of data: not scaled to a year)") +
                    "; money is the difference of the bills with and without the measure.",
                {"DejaVu Sans 8", pdf::colors::muted});
    std::vector<std::vector<std::string>> rows;
    int rank = 0;
    for (const auto& rec : r.recommendations)
      rows.push_back({std::to_string(++rank), rec.title, format_kwh(rec.saving_kwh),
                      rec.priced ? with_currency(rec.saving, r.currency) : std::string("—"),
                      rec.explanation});
    d.table({{"#", 16},
             {"Recommendation", 110},
             {"kWh", 56, align::right},
             {"Money", 70, align::right},
             {"Evidence and action", 259}},
            rows);
  }
  if (!r.notes.empty()) {
    d.heading("Notes");
    for (const auto& n : r.notes)
      d.paragraph("• " + n, {"DejaVu Sans 8", pdf::colors::muted});
  }
}

void comparison_pages(document& d, const report& r) {
  const auto ranked = std::count_if(r.comparison.begin(), r.comparison.end(),
                                    [](const auto& row) { return row.rank > 0; });
  d.tiles({{"Buildings", std::to_string(r.comparison.size())},
           {"Ranked by EUI", std::to_string(ranked)},
           {"Total consumption", format_kwh(r.headline.consumption) + " kWh"},
           {"Period days", std::to_string(r.window.days())}});
  insights_and_notes(d, r, true);
  d.new_page();
  const double h = std::min(600.0, 40.0 + 14.0 * static_cast<double>(ranked));
  eui_ranking(d.c(), {margin, d.y(), content_width, h}, r.comparison);
  d.y() += h + 10;
  d.heading("Buildings");
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : r.comparison)
    rows.push_back({c.rank > 0 ? std::to_string(c.rank) : "–", c.name,
                    c.square_footage ? std::to_string(*c.square_footage) : "–",
                    format_kwh(c.consumption),
                    c.kwh_per_ft2 ? format_number(*c.kwh_per_ft2, 3) : "–",
                    c.eui_kwh_per_ft2_year ? format_number(*c.eui_kwh_per_ft2_year, 2) : "–",
                    percent_or(c.change_percent, "–"), c.note});
  d.table({{"#", 18},
           {"Building", 110},
           {"ft²", 50, align::right},
           {"kWh", 70, align::right},
           {"kWh/ft²", 46, align::right},
           {"EUI/yr", 46, align::right},
           {"Change", 44, align::right},
           {"Note", 127}},
          rows);
}

int render(const report& r, std::string* out, int total_pages) {
  document d(r, out, total_pages);
  d.title_block();
  if (!r.has_data) {
    d.heading("No data");
    insights_and_notes(d, r, true);
  } else if (r.type == report_type::comparison) {
    comparison_pages(d, r);
  } else {
    building_pages(d, r);
  }
  return d.finish();
}

}  // namespace

std::string to_pdf(const report& r) {
  // Two passes: the first counts the pages (output discarded) for "Page i of n".
  const int pages = render(r, nullptr, 0);
  std::string out;
  render(r, &out, pages);
  return out;
}

}  // namespace energy::report
