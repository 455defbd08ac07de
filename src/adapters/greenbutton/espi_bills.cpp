// SPDX-License-Identifier: Apache-2.0
// Green Button XML parser: bills from usage summaries (overall consumption and cost of the last
// period).

#include <fmt/format.h>

#include "espi_parser.hpp"

namespace energy::greenbutton::espi_reader {

void parser::make_bills() {
  std::vector<std::size_t> ordinal(doc_.usage_points.size(), 0);
  for (std::size_t i = 0; i < doc_.summaries.size(); ++i) {
    const auto& s = doc_.summaries[i];
    const std::string at = fmt::format("{}:{}: usage summary {}", doc_.source, s.source_line,
                                       s.href.empty() ? std::to_string(i + 1) : s.href);
    if (!s.billing_period) {
      report_at(at, "no billingPeriod: no bill made from it");
      continue;
    }
    billing::utility_bill b;
    b.id = s.href.empty() ? fmt::format("{}#summary-{}", doc_.source, i + 1) : s.href;
    b.period = *s.billing_period;
    if (s.overall_consumption_last_period) {
      const auto& m = *s.overall_consumption_last_period;
      if (auto v = to_milli_units(m.value, m.uom, m.power_of_ten_multiplier)) {
        b.consumption = *v;
      } else {
        b.consumption_stated = false;
        report_at(at, fmt::format("overallConsumptionLastPeriod in {} × 10^{} cannot be "
                                  "converted: consumption unknown",
                                  uom_name(m.uom), m.power_of_ten_multiplier));
      }
    } else {
      b.consumption_stated = false;
    }
    if (s.bill_last_period) {
      b.amount = money::from_micros(*s.bill_last_period * 10);  // 1/100000 of the currency -> micro
    } else {
      b.amount_stated = false;
    }
    b.estimated = s.quality_of_reading && is_estimate_code(*s.quality_of_reading);
    std::string up = "(none)";
    if (s.usage_point)
      up = std::to_string(*s.usage_point + 1) +
           (doc_.usage_points[*s.usage_point].title.empty()
                ? ""
                : " '" + doc_.usage_points[*s.usage_point].title + "'");
    const std::size_t n = s.usage_point ? ++ordinal[*s.usage_point] : i + 1;
    b.source = fmt::format("{}:{}: UsagePoint {}, summary {}", doc_.source, s.source_line, up, n);
    doc_.bills.push_back(std::move(b));
    doc_.bill_summary.push_back(i);
  }
}

}  // namespace energy::greenbutton::espi_reader
