// SPDX-License-Identifier: Apache-2.0
// The alert evaluation job: loads each building's recent data once, evaluates every enabled
// config of it (evaluate.hpp) and applies the findings (alert_book), one building per step and
// one transaction per config, so a failing building does not hold back the others.
#include <algorithm>
#include <map>
#include <optional>

#include "jobs/alert_book.hpp"
#include "jobs/alert_rules.hpp"
#include "jobs/evaluate.hpp"
#include "jobs/job_steps.hpp"

namespace energy::server::jobs {

namespace {

struct tally {
  std::int64_t configs = 0;
  std::int64_t opened = 0;
  std::int64_t still_open = 0;
  std::int64_t resolved = 0;
  std::int64_t not_evaluable = 0;  ///< findings with an error (left unchanged)
  std::int64_t errors = 0;         ///< configs whose evaluation failed
  void add(alert_change c) {
    if (c == alert_change::opened) ++opened;
    if (c == alert_change::still_open) ++still_open;
    if (c == alert_change::resolved) ++resolved;
  }
  [[nodiscard]] nlohmann::json json() const {
    return {{"configs", configs},
            {"opened", opened},
            {"still_open", still_open},
            {"resolved", resolved},
            {"not_evaluable", not_evaluable},
            {"errors", errors}};
  }
};

building_data load(storage::store& store, const building& b, const std::vector<alert_rule>& rules,
                   utc_seconds now) {
  building_data d{.b = b, .zone = find_zone(b.time_zone)};
  for (auto& s : store.list_sensors(b.id))
    if (s.is_active) d.sensors.push_back(std::move(s));
  std::int64_t raw = 0;
  std::int64_t hourly = 0;
  for (const auto& r : rules) {
    raw = std::max(raw, raw_lookback_seconds(r));
    hourly = std::max(hourly, hourly_lookback_seconds(r));
  }
  if (raw > 0) {
    auto rows = store.read_building_readings(b.id, {now - std::chrono::seconds{raw}, now});
    // Keep only active sensors' rows (a retired meter is not silent, it is gone).
    reading_rows kept;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (std::any_of(d.sensors.begin(), d.sensors.end(),
                      [&](const sensor& s) { return s.id == rows.sensor_id[i]; }))
        kept.push_back(rows.sensor_id[i], rows.ts[i], rows.value[i], rows.quality[i]);
    d.rows = std::move(kept);
  }
  if (hourly > 0)
    d.hourly = store.read_summaries({.scope = summary_scope::building,
                                     .subject_id = b.id,
                                     .type = sensor_type::electricity,
                                     .res = resolution::hour,
                                     .range = {now - std::chrono::seconds{hourly}, now}});
  return d;
}

}  // namespace

job_result run_alert_evaluation(step_context& ctx) {
  job_result r;
  tally all;
  std::map<std::string, tally> per_tenant;
  std::vector<std::string> errors;
  const auto rules = alert_rules(ctx.db).all_enabled();  // ordered by building
  const epoch_seconds now = to_epoch(ctx.now);
  std::int64_t buildings = 0;
  for (std::size_t i = 0; i < rules.size();) {
    std::size_t end = i;
    while (end < rules.size() && rules[end].building_id == rules[i].building_id)
      ++end;
    const std::vector<alert_rule> group(rules.begin() + static_cast<std::ptrdiff_t>(i),
                                        rules.begin() + static_cast<std::ptrdiff_t>(end));
    i = end;
    ++buildings;
    try {
      const auto b = ctx.store.get_building(group.front().building_id);
      // No building: no data (and no zone) to judge; every rule of the group reports that below.
      const auto data =
          b ? std::optional<building_data>(load(ctx.store, *b, group, ctx.now)) : std::nullopt;
      for (const auto& rule : group) {
        auto& t = per_tenant[rule.tenant_id.to_string()];
        ++t.configs;
        ++all.configs;
        if (!b || b->tenant_id != rule.tenant_id) {
          // The building was removed (or never was this tenant's): nothing to judge.
          ++t.errors;
          ++all.errors;
          errors.push_back("config " + rule.id.to_string() + ": building " +
                           rule.building_id.to_string() + " not found");
          continue;
        }
        const auto findings = evaluate(rule, *data, ctx.now);
        ctx.db.transaction([&](db::connection& tx) {
          alert_book book(tx);
          for (const auto& f : findings) {
            if (f.error) {
              ++t.not_evaluable;
              ++all.not_evaluable;
            }
            const auto change = book.apply(rule, f, now);
            t.add(change);
            all.add(change);
          }
        });
      }
    } catch (const lease_lost&) {
      throw;
    } catch (const std::exception& e) {
      ++all.errors;
      errors.push_back("building " + group.front().building_id.to_string() + ": " + e.what());
    }
    if (i < rules.size() && ctx.checkpoint()) {
      r.interrupted = true;
      break;
    }
  }
  r.counts = all.json();
  r.counts["buildings"] = buildings;
  r.counts["tenants"] = nlohmann::json::object();
  for (const auto& [id, t] : per_tenant)
    r.counts["tenants"][id] = t.json();
  if (!errors.empty()) {
    std::string text = std::to_string(errors.size()) + " evaluation error(s): " + errors.front();
    if (errors.size() > 1) text += "; " + errors[1];
    r.error = text;
  }
  return r;
}

}  // namespace energy::server::jobs
