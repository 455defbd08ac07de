// SPDX-License-Identifier: Apache-2.0
#include <energy/billing/bill.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "arith.hpp"
#include "local_clock.hpp"
#include "core/enum_table.hpp"

namespace energy::billing {
namespace {

using detail::local_clock;

/// The smallest difference between consecutive starts (at least two, strictly ascending).
epoch_seconds smallest_gap(const std::vector<epoch_seconds>& start) {
  epoch_seconds gap = start[1] - start[0];
  for (std::size_t i = 2; i < start.size(); ++i)
    gap = std::min(gap, start[i] - start[i - 1]);
  return gap;
}

constexpr std::int64_t average_month_seconds = 2'629'746;  // 365.2425 / 12 days

using detail::muldiv_round;

money scale(money m, std::int64_t num, std::int64_t den) noexcept {
  return money::from_micros(muldiv_round(m.micros(), num, den));
}

const month_hour_schedule& pick(const month_hour_schedule& weekday,
                                const month_hour_schedule& weekend, bool is_weekend) noexcept {
  return is_weekend ? weekend : weekday;
}

/// Adds `e` (energy units, `u` per Wh) at cumulative position `cum` to the tiers of `p` (see
/// compute_bill's contract); tier maxima are Wh.
void allocate(milli e, milli& cum, const rate_period& p, milli* acc, std::int64_t u) noexcept {
  const auto& tiers = p.tiers;
  if (tiers.size() == 1) {
    acc[0] += e;
    cum += e;
    return;
  }
  if (e <= 0) {  // export: credited at the tier the position is in, and moves it back
    std::size_t k = 0;
    while (k + 1 < tiers.size() && tiers[k].max && cum > *tiers[k].max * u)
      ++k;
    acc[k] += e;
    cum += e;
    return;
  }
  milli remaining = e;
  for (std::size_t k = 0; k < tiers.size() && remaining > 0; ++k) {
    const bool last = k + 1 == tiers.size();
    if (!last && tiers[k].max && cum >= *tiers[k].max * u) continue;
    const milli take =
        (last || !tiers[k].max) ? remaining : std::min(remaining, *tiers[k].max * u - cum);
    acc[k] += take;
    cum += take;
    remaining -= take;
  }
}

/// Splits a demand (W) into the portions that fall in each tier: [(tier, W)].
std::vector<std::pair<int, milli>> split_demand(milli demand, const rate_period& p) {
  std::vector<std::pair<int, milli>> out;
  milli lower = 0;
  for (std::size_t k = 0; k < p.tiers.size(); ++k) {
    const bool last = k + 1 == p.tiers.size();
    const milli upper =
        (last || !p.tiers[k].max) ? std::numeric_limits<milli>::max() : *p.tiers[k].max;
    if (demand <= lower && k > 0) break;
    const milli portion = std::min(demand, upper) - lower;
    out.emplace_back(static_cast<int>(k), k == 0 ? std::min(demand, upper) : portion);
    lower = upper;
  }
  return out;
}

bool all_zero(const rate_period& p) noexcept {
  return std::all_of(p.tiers.begin(), p.tiers.end(),
                     [](const rate_tier& t) { return t.price() == money{}; });
}

/// kWh text of `units` energy units (`u` per Wh): three decimals for Wh, six for mWh.
std::string kwh(milli units, std::int64_t u) {
  if (u == 1) return format_milli(units);
  const milli whole = units / 1'000'000;
  const milli frac = units % 1'000'000;
  return fmt::format("{}{}.{:06}", units < 0 && whole == 0 ? "-" : "", whole,
                     frac < 0 ? -frac : frac);
}

/// Calls fn(window_start, demand_W) for every clock-aligned block of `basis` seconds that
/// holds at least one interval of rows [lo, hi). Missing intervals count as zero energy.
template <class Fn>
void for_each_window(const interval_series& d, std::size_t lo, std::size_t hi, std::int64_t basis,
                     Fn&& fn) {
  const std::int64_t per_hour = basis * d.energy_per_wh;  // W = units x 3600 / (window s x u)
  std::int64_t current = std::numeric_limits<std::int64_t>::min();
  milli sum = 0;
  for (std::size_t i = lo; i < hi; ++i) {
    const std::int64_t w = local_clock::floor_div(d.start[i], basis);
    if (w != current) {
      if (current != std::numeric_limits<std::int64_t>::min())
        fn(current * basis, muldiv_round(sum, 3600, per_hour));
      current = w;
      sum = 0;
    }
    sum += d.energy[i];
  }
  if (current != std::numeric_limits<std::int64_t>::min())
    fn(current * basis, muldiv_round(sum, 3600, per_hour));
}

std::pair<std::size_t, std::size_t> rows_in(const interval_series& d, time_range period) {
  const auto b = d.start.begin();
  const auto lo = std::lower_bound(b, d.start.end(), to_epoch(period.start));
  const auto hi = std::lower_bound(lo, d.start.end(), to_epoch(period.end));
  return {static_cast<std::size_t>(lo - b), static_cast<std::size_t>(hi - b)};
}

/// Seconds of `period` falling in each flat-demand period (by local month).
std::vector<std::int64_t> flat_season_seconds(const tariff& t, const time_zone& zone,
                                              time_range period) {
  std::vector<std::int64_t> out(t.flat_demand_periods.size(), 0);
  auto cursor = period.start;
  while (cursor < period.end) {
    const auto local_day = std::chrono::floor<std::chrono::days>(cursor + zone.offset_at(cursor));
    const std::chrono::year_month_day ymd{local_day};
    const auto next_month = ymd.year() / ymd.month() / std::chrono::day{1} + std::chrono::months{1};
    const auto next_local =
        std::chrono::local_days{next_month.year() / next_month.month() / std::chrono::day{1}};
    auto next = zone.first_instant(next_local);
    if (next > period.end) next = period.end;
    const auto month0 = static_cast<unsigned>(ymd.month()) - 1;
    out[t.flat_demand_months[month0]] += (next - cursor).count();
    cursor = next;
  }
  return out;
}

std::string money_rate(money m) {
  return m.to_exact_string();
}

/// Adds one line per coincident-peak charge with a peak window starting in `period` (see
/// `coincident_peak_charge`); what cannot be measured goes to `b.unapplied`.
void coincident_peak_lines(const interval_series& data, const tariff& t, time_range period,
                           std::int32_t interval, bill& b) {
  for (std::size_t c = 0; c < t.coincident_peaks.size(); ++c) {
    const auto& cp = t.coincident_peaks[c];
    const auto first = std::lower_bound(cp.peak_starts.begin(), cp.peak_starts.end(), period.start);
    const auto last = std::lower_bound(first, cp.peak_starts.end(), period.end);
    if (first == last) continue;  // no peak of this charge falls in this billing period
    const std::string label = cp.name.empty() ? fmt::format("coincident peak charge {}", c)
                                              : fmt::format("coincident peak charge '{}'", cp.name);
    if (interval > cp.window_seconds || cp.window_seconds % interval != 0) {
      b.unapplied.push_back(fmt::format(
          "{}: its {}-second peak windows cannot be measured from {}-second data; not charged",
          label, cp.window_seconds, interval));
      continue;
    }
    milli sum_w = 0;
    std::int64_t measured = 0;
    std::string hours;
    for (auto it = first; it != last; ++it) {
      const auto [lo, hi] = rows_in(data, {*it, *it + std::chrono::seconds{cp.window_seconds}});
      if (lo == hi) {
        b.unapplied.push_back(
            fmt::format("{}: no interval data in the peak window starting {}: left out of the mean",
                        label, format_utc(*it)));
        continue;
      }
      milli wh = 0;
      for (std::size_t i = lo; i < hi; ++i)
        wh += data.energy[i];
      const milli w = muldiv_round(wh, 3600, std::int64_t{cp.window_seconds} * data.energy_per_wh);
      sum_w += w;
      ++measured;
      hours +=
          fmt::format("{}{} {} kW", hours.empty() ? "" : ", ", format_utc(*it), format_milli(w));
    }
    if (measured == 0) continue;  // every window named in unapplied above
    const milli demand = muldiv_round(sum_w, 1, measured);
    bill_line l;
    l.kind = line_kind::coincident_peak;
    l.period = static_cast<int>(c);
    l.quantity = demand;
    l.rate = cp.price;
    l.peak_at = *first;
    l.exact = price_times(cp.price, demand);
    l.basis = fmt::format("{} kW (mean of {} peak window(s): {}) x {} $/kW", format_milli(demand),
                          measured, hours, money_rate(cp.price));
    b.lines.push_back(std::move(l));
  }
}

}  // namespace

namespace {
constexpr auto line_kind_names = energy::detail::make_enum_table<line_kind>(
    "line_kind", {{line_kind::fixed, "fixed"},
                  {line_kind::energy, "energy"},
                  {line_kind::demand, "demand"},
                  {line_kind::flat_demand, "flat_demand"},
                  {line_kind::minimum, "minimum"},
                  {line_kind::coincident_peak, "coincident_peak"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(line_kind) noexcept {
  return line_kind_names;
}
std::string_view to_string(line_kind k) noexcept {
  return line_kind_names.name(k);
}

double bill::coverage() const noexcept {
  const auto len = period.length().count();
  return len <= 0 ? 0.0 : static_cast<double>(coverage_seconds) / static_cast<double>(len);
}

void interval_series::validate() const {
  if (energy_per_wh != 1 && energy_per_wh != 1000)
    throw std::invalid_argument(fmt::format(
        "interval_series: energy_per_wh = {}: must be 1 (Wh) or 1000 (mWh)", energy_per_wh));
  if (interval_seconds < 0)
    throw std::invalid_argument(fmt::format(
        "interval_series: interval_seconds = {} must be positive (or 0: inferred from the starts)",
        interval_seconds));
  if (energy.size() != start.size())
    throw std::invalid_argument(fmt::format("interval_series: {} starts but {} energy values",
                                            start.size(), energy.size()));
  if (!quality.empty() && quality.size() != start.size())
    throw std::invalid_argument(fmt::format("interval_series: {} starts but {} quality values",
                                            start.size(), quality.size()));
  for (std::size_t i = 1; i < start.size(); ++i)
    if (start[i] <= start[i - 1])
      throw std::invalid_argument(fmt::format(
          "interval_series: row {} ({}) is not after row {} ({})", i,
          format_utc(from_epoch(start[i])), i - 1, format_utc(from_epoch(start[i - 1]))));
  if (interval_seconds == 0 || start.size() < 2) {
    (void)resolved_interval();  // refuses what cannot be inferred
    return;
  }
  // A stated interval must fit the data: rows closer than it overlap (energy counted twice), and
  // rows never that close mean coarser data (hourly data said to be 15-minute would bill four times
  // its demand).
  const epoch_seconds gap = smallest_gap(start);
  if (gap < interval_seconds)
    throw std::invalid_argument(fmt::format(
        "interval_series: interval_seconds = {}, but rows are only {} s apart: intervals would "
        "overlap",
        interval_seconds, gap));
  if (gap > interval_seconds)
    throw std::invalid_argument(fmt::format(
        "interval_series: interval_seconds = {}, but no two rows are closer than {} s: the data "
        "looks like {}-second intervals (give that, or 0 to infer it)",
        interval_seconds, gap, gap));
}

std::int32_t interval_series::resolved_interval() const {
  if (interval_seconds > 0) return interval_seconds;
  if (start.size() < 2)
    throw std::invalid_argument(fmt::format(
        "interval_series: interval_seconds is 0 (inferred from the starts), but there are {} "
        "rows; give the interval",
        start.size()));
  const epoch_seconds gap = smallest_gap(start);
  if (gap <= 0 || gap > 31 * 86400)
    throw std::invalid_argument(
        fmt::format("interval_series: cannot infer an interval from a {}-second gap", gap));
  return static_cast<std::int32_t>(gap);
}

interval_series interval_series::from_rows(const reading_rows& rows, const uuid& sensor,
                                           std::int32_t interval) {
  if (interval < 0)
    throw std::invalid_argument(
        "interval_series::from_rows: interval_seconds must be positive (or 0: inferred)");
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows.sensor_id[i] == sensor) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return rows.ts[a] < rows.ts[b]; });
  interval_series s;
  s.interval_seconds = interval;
  s.start.reserve(idx.size());
  s.energy.reserve(idx.size());
  s.quality.reserve(idx.size());
  for (const auto i : idx) {
    if (!s.start.empty() && s.start.back() == rows.ts[i])
      throw std::invalid_argument(fmt::format("interval_series::from_rows: two rows at {}",
                                              format_utc(from_epoch(rows.ts[i]))));
    s.start.push_back(rows.ts[i]);
    s.energy.push_back(rows.value[i]);
    s.quality.push_back(i < rows.quality.size() ? rows.quality[i] : 0U);
  }
  return s;
}

std::optional<peak> peak_demand(const interval_series& data, time_range period,
                                std::int32_t window_seconds) {
  data.validate();
  const std::int32_t interval = data.resolved_interval();
  if (window_seconds <= 0 || window_seconds % interval != 0)
    throw std::invalid_argument(
        fmt::format("peak_demand: a {}-second window cannot be formed from {}-second intervals",
                    window_seconds, interval));
  const auto [lo, hi] = rows_in(data, period);
  std::optional<peak> best;
  for_each_window(data, lo, hi, window_seconds, [&](std::int64_t ws, milli w) {
    if (!best || w > best->demand) best = peak{w, from_epoch(ws)};
  });
  return best;
}

bill compute_bill(const interval_series& data, const tariff& t, const time_zone& zone,
                  time_range period, const bill_options& options) {
  if (period.empty()) throw std::invalid_argument("compute_bill: empty billing period");
  if (options.meters < 1) throw std::invalid_argument("compute_bill: meters must be >= 1");
  t.validate();
  data.validate();
  const std::int32_t interval = data.resolved_interval();

  bill b;
  b.period = period;
  b.unapplied = t.unapplied;
  const auto [lo, hi] = rows_in(data, period);
  b.intervals = static_cast<std::int64_t>(hi - lo);
  b.coverage_seconds = std::min<std::int64_t>(b.intervals * interval, period.length().count());

  // Energy by period and tier, tier position shared across the billing period.
  std::vector<std::size_t> offset(t.energy_periods.size() + 1, 0);
  for (std::size_t p = 0; p < t.energy_periods.size(); ++p)
    offset[p + 1] = offset[p] + t.energy_periods[p].tiers.size();
  std::vector<milli> energy_acc(offset.back(), 0);
  milli cumulative = 0;  // energy units (u per Wh)
  const std::int64_t u = data.energy_per_wh;
  local_clock clock(zone, t.holidays);
  if (!t.energy_periods.empty()) {
    for (std::size_t i = lo; i < hi; ++i) {
      const auto slot = clock.at(data.start[i]);
      const auto p = pick(t.energy_weekday, t.energy_weekend, slot.weekend)[slot.month0][slot.hour];
      allocate(data.energy[i], cumulative, t.energy_periods[p], energy_acc.data() + offset[p], u);
    }
  } else {
    for (std::size_t i = lo; i < hi; ++i)
      cumulative += data.energy[i];
  }
  b.energy = muldiv_round(cumulative, 1, u);
  if (!t.holidays && t.weekend_priced_differently())
    b.notes.emplace_back(
        "the tariff's holidays are not given: every Monday to Friday was priced as a weekday, "
        "although the weekend schedule differs (a utility holiday in the period would be priced "
        "lower); give the utility's holidays with the tariff, or an empty list when it has "
        "none");

  // Demand on clock-aligned windows.
  std::int64_t basis = std::int64_t{t.demand_window_minutes} * 60;
  if (interval > basis || basis % interval != 0) {
    b.notes.push_back(
        fmt::format("demand measured on the {}-second data interval: the tariff's {}-minute demand "
                    "window cannot be "
                    "formed from this data",
                    interval, t.demand_window_minutes));
    basis = interval;
  }
  b.demand_window_seconds = static_cast<std::int32_t>(basis);
  struct running_max {
    milli w = std::numeric_limits<milli>::min();
    epoch_seconds at = 0;
    bool seen = false;
    void offer(milli v, epoch_seconds ws) noexcept {
      if (!seen || v > w) {
        w = v;
        at = ws;
        seen = true;
      }
    }
  };
  std::vector<running_max> tou(t.demand_periods.size());
  std::vector<running_max> flat(t.flat_demand_periods.size());
  running_max overall;
  local_clock window_clock(zone, t.holidays);
  const bool need_slot = !tou.empty() || !flat.empty();
  for_each_window(data, lo, hi, basis, [&](std::int64_t ws, milli w) {
    overall.offer(w, ws);
    if (!need_slot) return;
    const auto slot = window_clock.at(ws);
    if (!tou.empty())
      tou[pick(t.demand_weekday, t.demand_weekend, slot.weekend)[slot.month0][slot.hour]].offer(w,
                                                                                                ws);
    if (!flat.empty()) flat[t.flat_demand_months[slot.month0]].offer(w, ws);
  });
  if (overall.seen) {
    b.peak_demand = overall.w;
    b.peak_at = from_epoch(overall.at);
  }

  const std::int64_t secs = period.length().count();
  // Fixed charge.
  if (t.fixed_charge != money{}) {
    bill_line l;
    l.kind = line_kind::fixed;
    l.rate = t.fixed_charge;
    const money per_meter = t.fixed_charge * options.meters;
    if (t.fixed_charge_unit == charge_unit::per_day) {
      l.exact = scale(per_meter, secs, 86'400);
      l.basis = fmt::format("{} $/day x {} meter(s) x {}/86400 days", money_rate(t.fixed_charge),
                            options.meters, secs);
    } else if (options.prorate_monthly_charges) {
      l.exact = scale(per_meter, secs, average_month_seconds);
      l.basis =
          fmt::format("{} $/month x {} meter(s) x {} s / {} s (pro-rated)",
                      money_rate(t.fixed_charge), options.meters, secs, average_month_seconds);
    } else {
      l.exact = per_meter;
      l.basis = fmt::format("{} $/month x {} meter(s)", money_rate(t.fixed_charge), options.meters);
    }
    b.lines.push_back(std::move(l));
  }
  // Energy lines.
  for (std::size_t p = 0; p < t.energy_periods.size(); ++p) {
    for (std::size_t k = 0; k < t.energy_periods[p].tiers.size(); ++k) {
      const milli units = energy_acc[offset[p] + k];
      if (units == 0) continue;
      const auto& tier = t.energy_periods[p].tiers[k];
      bill_line l;
      l.kind = line_kind::energy;
      l.period = static_cast<int>(p);
      l.tier = static_cast<int>(k);
      l.quantity = muldiv_round(units, 1, u);
      l.rate = tier.price();
      // $/kWh x units / (1000 u): priced from the exact energy, never from the rounded Wh.
      l.exact = money::from_micros(muldiv_round(tier.price().micros(), units, 1000 * u));
      l.basis = tier.adj == money{}
                    ? fmt::format("{} kWh x {} $/kWh", kwh(units, u), money_rate(tier.rate))
                    : fmt::format("{} kWh x ({} + adj {}) $/kWh", kwh(units, u),
                                  money_rate(tier.rate), money_rate(tier.adj));
      b.lines.push_back(std::move(l));
    }
  }
  // Demand lines.
  auto demand_lines = [&](line_kind kind, const std::vector<rate_period>& periods,
                          const std::vector<running_max>& maxima,
                          const std::vector<std::int64_t>* share, std::int64_t share_total) {
    for (std::size_t p = 0; p < periods.size(); ++p) {
      if (!maxima[p].seen || all_zero(periods[p])) continue;
      if (share && (*share)[p] == 0) continue;
      for (const auto& [k, portion] : split_demand(std::max<milli>(maxima[p].w, 0), periods[p])) {
        const auto& tier = periods[p].tiers[static_cast<std::size_t>(k)];
        bill_line l;
        l.kind = kind;
        l.period = static_cast<int>(p);
        l.tier = k;
        l.quantity = portion;
        l.rate = tier.price();
        l.peak_at = from_epoch(maxima[p].at);
        l.exact = price_times(tier.price(), portion);
        l.basis =
            fmt::format("{} kW x {} $/kW (peak {}-min block at {})", format_milli(portion),
                        money_rate(tier.price()), basis / 60, format_utc(from_epoch(maxima[p].at)));
        if (share && (*share)[p] != share_total) {
          l.exact = scale(l.exact, (*share)[p], share_total);
          l.basis +=
              fmt::format(" x {} s / {} s of the period in this season", (*share)[p], share_total);
        }
        b.lines.push_back(std::move(l));
      }
    }
  };
  demand_lines(line_kind::demand, t.demand_periods, tou, nullptr, 0);
  if (!flat.empty()) {
    const auto share = flat_season_seconds(t, zone, period);
    demand_lines(line_kind::flat_demand, t.flat_demand_periods, flat, &share, secs);
  }

  coincident_peak_lines(data, t, period, interval, b);

  money total;
  for (auto& l : b.lines) {
    l.amount = l.exact.round_to_cents();
    total += l.amount;
  }
  // Minimum charge.
  if (t.minimum_charge != money{}) {
    money minimum;
    std::string why;
    if (t.minimum_charge_unit == charge_unit::per_day) {
      minimum = scale(t.minimum_charge * options.meters, secs, 86'400);
      why = fmt::format("{} $/day x {}/86400 days", money_rate(t.minimum_charge), secs);
    } else if (options.prorate_monthly_charges) {
      minimum = scale(t.minimum_charge * options.meters, secs, average_month_seconds);
      why = fmt::format("{} $/month x {} s / {} s (pro-rated)", money_rate(t.minimum_charge), secs,
                        average_month_seconds);
    } else {
      minimum = t.minimum_charge * options.meters;
      why = fmt::format("{} $/month", money_rate(t.minimum_charge));
    }
    minimum = minimum.round_to_cents();
    if (total < minimum) {
      bill_line l;
      l.kind = line_kind::minimum;
      l.rate = t.minimum_charge;
      l.exact = minimum - total;
      l.amount = l.exact;
      l.basis =
          fmt::format("minimum {} ({}) - charges {}", minimum.to_string(), why, total.to_string());
      total += l.amount;
      b.lines.push_back(std::move(l));
    }
  }
  b.total = total;
  return b;
}

money energy_charge(const tariff& t, utc_seconds hour_start, milli energy_wh,
                    const time_zone& zone) {
  if (t.energy_periods.empty()) return money{};
  local_clock clock(zone, t.holidays);
  const auto slot = clock.at(to_epoch(hour_start));
  const auto p = pick(t.energy_weekday, t.energy_weekend, slot.weekend)[slot.month0][slot.hour];
  if (p >= t.energy_periods.size() || t.energy_periods[p].tiers.empty())
    throw std::invalid_argument(fmt::format("energy_charge: schedule names energy period {} of {}",
                                            p, t.energy_periods.size()));
  return price_times(t.energy_periods[p].tiers.front().price(), energy_wh);
}

}  // namespace energy::billing

template struct energy::detail::enum_names<energy::billing::line_kind>;
