// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/towt.hpp>

#include "sample_data.hpp"
#include "synthetic.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;
namespace syn = energy::baseline::synthetic;

namespace {
int local_month0(epoch_seconds t, const char* zone) {
  const auto local = energy::find_zone(zone).to_local(energy::from_epoch(t));
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(local)};
  return static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
}
}  // namespace

TEST_CASE("The seasonal baseline recovers a weekly profile plus monthly offsets",
          "[baseline][seasonal]") {
  const auto truth = syn::make_truth();
  const char* zone = "Europe/London";
  load_series l;
  l.interval_seconds = 3600;
  // Whole weeks inside each month would make the two-step fit exact; use Jan..Jun 2023 with a
  // per-month offset and check against the two-step definition instead.
  const epoch_seconds t0 = s::utc("2023-01-02T00:00:00Z");
  const epoch_seconds t1 = s::utc("2023-07-01T00:00:00+01:00");
  for (epoch_seconds t = t0; t < t1; t += 3600)
    l.ts.push_back(t);
  const auto tow = time_of_week(l.ts, energy::time_zone{zone});
  std::vector<int> month;
  for (std::size_t i = 0; i < l.size(); ++i) {
    const auto local = local_month0(l.ts[i], zone);
    month.push_back(local);
    l.kwh.push_back(truth.alpha[tow[i]] + 5.0 * local);
  }
  seasonal_options o{.zone = energy::time_zone{zone}};
  const seasonal_model m = fit_seasonal(l, o);
  // Step 1: slot means; step 2: month means of the residual.
  std::vector<double> sum(168), cnt(168);
  for (std::size_t i = 0; i < l.size(); ++i) {
    sum[tow[i]] += l.kwh[i];
    cnt[tow[i]] += 1;
  }
  for (std::size_t k = 0; k < 168; ++k)
    CHECK(m.profile[k] == Approx(sum[k] / cnt[k]).epsilon(1e-12));
  std::vector<double> msum(12), mcnt(12);
  for (std::size_t i = 0; i < l.size(); ++i) {
    msum[static_cast<std::size_t>(month[i])] += l.kwh[i] - m.profile[tow[i]];
    mcnt[static_cast<std::size_t>(month[i])] += 1;
  }
  for (std::size_t k = 0; k < 6; ++k) {
    CHECK(m.month_seen[k] == 1);
    CHECK(m.month_offsets[k] == Approx(msum[k] / mcnt[k]).margin(1e-9));
  }
  for (std::size_t k = 6; k < 12; ++k) {
    CHECK(m.month_seen[k] == 0);
    CHECK(m.month_offsets[k] == 0.0);
  }
  // The month structure is captured: June predicts higher than January by about 25 kWh.
  const std::vector<epoch_seconds> probe{s::utc("2023-01-09T12:00:00Z"),
                                         s::utc("2023-06-12T12:00:00+01:00")};
  const prediction p = predict(m, probe);
  CHECK(p.expected[1] - p.expected[0] == Approx(25.0).margin(1.0));
  // Residual quantiles of a slot need not straddle zero (the month terms absorb bias unevenly).
  CHECK(p.lower[0] <= p.upper[0]);
  CHECK(p.upper[0] - p.lower[0] == Approx(m.residual_upper[0] - m.residual_lower[0]));
}

TEST_CASE("The seasonal baseline predicts NaN for slots it never saw and rejects bad input",
          "[baseline][seasonal]") {
  load_series l;
  l.interval_seconds = 3600;
  l.ts = {s::utc("2023-01-02T00:00:00Z"), s::utc("2023-01-02T01:00:00Z")};
  l.kwh = {1.0, 2.0};
  const seasonal_model m = fit_seasonal(l, seasonal_options{.zone = energy::time_zone::utc()});
  const std::vector<epoch_seconds> probe{s::utc("2023-01-09T00:00:00Z"),
                                         s::utc("2023-01-09T05:00:00Z")};
  const prediction p = predict(m, probe);
  CHECK(p.expected[0] == Approx(1.0 - 0.0 + m.month_offsets[0]));
  CHECK(std::isnan(p.expected[1]));
  l.kwh = {std::nan(""), std::nan("")};
  CHECK_THROWS_AS(fit_seasonal(l, seasonal_options{.zone = energy::time_zone::utc()}),
                  std::invalid_argument);
}
