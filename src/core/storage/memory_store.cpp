// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/memory.hpp>
#include <energy/storage/tariffs.hpp>

#include <energy/ingest/validate.hpp>

#include <energy/quality.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace energy::storage {
namespace {

struct stored_value {
  milli value;
  std::uint32_t quality;
};

using summary_key = std::tuple<summary_scope, uuid, sensor_type, resolution, utc_seconds>;

class memory_store final : public adapter, public tariff_port {
 public:
  std::string_view adapter_name() const noexcept override { return "memory"; }

  void put_tenant(const tenant& t) override { tenants_[t.id] = t; }
  std::optional<tenant> get_tenant(const uuid& id) override { return find(tenants_, id); }
  std::vector<tenant> list_tenants() override { return values(tenants_); }

  void put_building(const building& b) override {
    (void)find_zone(b.time_zone);
    if (!tenants_.contains(b.tenant_id))
      throw std::invalid_argument("building " + b.id.to_string() + ": unknown tenant " +
                                  b.tenant_id.to_string());
    const auto old = buildings_.find(b.id);
    const bool stale = old != buildings_.end() && affects_summaries(old->second, b);
    buildings_[b.id] = b;
    if (stale) invalidate(b.id, all_time());
  }
  std::optional<building> get_building(const uuid& id) override { return find(buildings_, id); }
  std::vector<building> list_buildings(const uuid& tenant_id) override {
    std::vector<building> out;
    for (const auto& [id, b] : buildings_)
      if (b.tenant_id == tenant_id) out.push_back(b);
    return out;
  }

  void put_sensor(const sensor& s) override {
    ingest::check_sensor_metadata(s);
    if (!buildings_.contains(s.building_id))
      throw std::invalid_argument("sensor " + s.id.to_string() + ": unknown building " +
                                  s.building_id.to_string());
    const auto old = sensors_.find(s.id);
    const bool stale = old != sensors_.end() && affects_summaries(old->second, s);
    // A sensor that moves leaves stale sums in its old building: invalidate that one while the
    // sensor still belongs to it, so its readings and sensor summaries count there.
    if (stale && old->second.building_id != s.building_id)
      invalidate(old->second.building_id, all_time());
    sensors_[s.id] = s;
    if (stale) invalidate(s.building_id, all_time());
  }
  std::optional<sensor> get_sensor(const uuid& id) override { return find(sensors_, id); }
  std::vector<sensor> list_sensors(const uuid& building_id) override {
    std::vector<sensor> out;
    for (const auto& [id, s] : sensors_)
      if (s.building_id == building_id) out.push_back(s);
    return out;
  }
  std::vector<sensor> list_all_sensors() override { return values(sensors_); }

  void put_alert_config(const alert_config& a) override {
    if (!buildings_.contains(a.building_id))
      throw std::invalid_argument("alert config " + a.id.to_string() + ": unknown building " +
                                  a.building_id.to_string());
    alerts_[a.id] = a;
  }
  std::vector<alert_config> list_alert_configs(const uuid& building_id) override {
    std::vector<alert_config> out;
    for (const auto& [id, a] : alerts_)
      if (a.building_id == building_id) out.push_back(a);
    return out;
  }

  write_result write_readings(const reading_rows& rows,
                              std::span<const sample_state> states) override {
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (!sensors_.contains(rows.sensor_id[i]))
        throw storage_error("write_readings: row " + std::to_string(i) +
                                " references unknown sensor " + rows.sensor_id[i].to_string(),
                            false);
    for (const auto& s : states) {  // all guards before any change: the call is all or nothing
      std::optional<sample_state::point> stored;
      if (const auto it = states_.find(s.sensor_id); it != states_.end())
        stored = sample_state::point{it->second.ts, it->second.raw_value};
      check_state_guard(s, stored);
    }
    write_result result;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto& series = readings_[rows.sensor_id[i]];
      const auto [it, inserted] =
          series.try_emplace(rows.ts[i], stored_value{rows.value[i], rows.quality[i]});
      if (inserted) {
        ++result.inserted;
      } else if (it->second.value == rows.value[i] && (it->second.quality & ~quality::corrected) ==
                                                          (rows.quality[i] & ~quality::corrected)) {
        ++result.unchanged;
        continue;
      } else {
        it->second = {rows.value[i], rows.quality[i] | quality::corrected};
        ++result.replaced;
      }
      dirty_[dirty_hour{rows.sensor_id[i], utc_hour(rows.ts[i])}] = ++sequence_;
    }
    for (const auto& s : states)
      states_[s.sensor_id] = sample_state{s.sensor_id, s.ts, s.raw_value};
    return result;
  }

  void scan_readings(const uuid& sensor_id, time_range range, std::size_t chunk_rows,
                     const reading_chunk_sink& sink) override {
    reading_rows chunk;
    if (scan_range(chunk, sensor_id, range, chunk_rows, sink) && !chunk.empty()) sink(chunk);
  }

  void scan_building_readings(const uuid& building_id, time_range range, std::size_t chunk_rows,
                              const reading_chunk_sink& sink) override {
    reading_rows chunk;
    for (const auto& [id, s] : sensors_)  // std::map: ordered by sensor id
      if (s.building_id == building_id && !scan_range(chunk, id, range, chunk_rows, sink)) return;
    if (!chunk.empty()) sink(chunk);
  }

  std::optional<sample_state> get_sample_state(const uuid& sensor_id) override {
    return find(states_, sensor_id);
  }

  std::int64_t count_readings() override {
    std::int64_t n = 0;
    for (const auto& [id, series] : readings_)
      n += static_cast<std::int64_t>(series.size());
    return n;
  }

  dirty_claim claim_dirty(std::size_t limit) override {
    std::vector<std::pair<dirty_hour, std::int64_t>> all(dirty_.begin(), dirty_.end());
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first.hour, a.second) < std::tie(b.first.hour, b.second);
    });
    dirty_claim claim;
    claim.up_to_sequence = sequence_;
    for (std::size_t i = 0; i < all.size() && i < limit; ++i)
      claim.hours.push_back(all[i].first);
    return claim;
  }

  void commit_summaries(std::span<const summary_row> rows, const dirty_claim& claim) override {
    for (const auto& r : rows)
      summaries_[summary_key{r.scope, r.subject_id, r.type, r.res, r.period.start}] = r;
    for (const auto& h : claim.hours) {
      auto it = dirty_.find(h);
      if (it != dirty_.end() && it->second <= claim.up_to_sequence) dirty_.erase(it);
    }
  }

  void scan_summaries(const summary_query& q, std::size_t chunk_rows,
                      const summary_chunk_sink& sink) override {
    std::vector<summary_row> chunk;
    const summary_key lo{q.scope, q.subject_id, q.type, q.res, q.range.start};
    for (auto it = summaries_.lower_bound(lo); it != summaries_.end(); ++it) {
      const auto& [scope, subject, type, res, start] = it->first;
      if (scope != q.scope || subject != q.subject_id || type != q.type || res != q.res ||
          start >= q.range.end)
        break;
      chunk.push_back(it->second);
      if (chunk.size() == chunk_rows) {
        if (!sink(chunk)) return;
        chunk.clear();
      }
    }
    if (!chunk.empty()) sink(chunk);
  }

  summary_settings get_summary_settings() override { return settings_; }

  void set_summary_settings(const summary_settings& s) override {
    if (s.cost_model.empty())
      throw std::invalid_argument("set_summary_settings: cost_model must name a cost model");
    if (s == settings_) return;
    settings_ = s;
    for (const auto& [id, b] : buildings_)
      invalidate(id, all_time());
  }

  void invalidate_summaries(const uuid& building_id, time_range range) override {
    if (!buildings_.contains(building_id))
      throw std::invalid_argument("invalidate_summaries: unknown building " +
                                  building_id.to_string());
    invalidate(building_id, range);
  }

  std::int64_t add_tariff_version(const tariff_version& v) override {
    const auto b = buildings_.find(v.building_id);
    if (b == buildings_.end())
      throw std::invalid_argument("add_tariff_version: unknown building " +
                                  v.building_id.to_string());
    check_new_tariff_version(v);
    auto& versions = tariffs_[v.building_id];
    const time_range changed =
        tariff_change_range(versions, v.effective, find_zone(b->second.time_zone));
    tariff_version stored = v;
    stored.revision = static_cast<std::int64_t>(versions.size()) + 1;
    versions.push_back(std::move(stored));
    invalidate(v.building_id, changed);
    return versions.back().revision;
  }

  std::vector<tariff_version> list_tariff_versions(const uuid& building_id) override {
    const auto it = tariffs_.find(building_id);
    if (it == tariffs_.end()) return {};
    auto out = it->second;
    std::sort(out.begin(), out.end(), [](const tariff_version& a, const tariff_version& b) {
      return std::tie(a.effective, a.revision) < std::tie(b.effective, b.revision);
    });
    return out;
  }

 private:
  /// See store::invalidate_summaries.
  void invalidate(const uuid& building_id, time_range range) {
    std::vector<uuid> ids;
    for (const auto& [id, s] : sensors_)
      if (s.building_id == building_id) ids.push_back(id);
    std::optional<epoch_seconds> first, last;
    for (const uuid& id : ids) {
      const auto sit = readings_.find(id);
      if (sit == readings_.end()) continue;
      const auto lo = sit->second.lower_bound(to_epoch(range.start));
      const auto hi = sit->second.lower_bound(to_epoch(range.end));
      if (lo == hi) continue;
      first = std::min(first.value_or(lo->first), lo->first);
      last = std::max(last.value_or(std::prev(hi)->first), std::prev(hi)->first);
    }
    if (!first) return;
    const time_range span{from_epoch(utc_hour(*first)), from_epoch(utc_hour(*last) + 3600)};
    time_range marked = span;
    for (auto it = summaries_.begin(); it != summaries_.end();) {
      const summary_row& r = it->second;
      const bool subject = r.scope == summary_scope::building
                               ? r.subject_id == building_id
                               : std::binary_search(ids.begin(), ids.end(), r.subject_id);
      if (subject && r.period.start < span.end && span.start < r.period.end) {
        marked.start = std::min(marked.start, r.period.start);
        marked.end = std::max(marked.end, r.period.end);
        it = summaries_.erase(it);
      } else {
        ++it;
      }
    }
    const std::int64_t seq = ++sequence_;
    for (const uuid& id : ids) {
      const auto sit = readings_.find(id);
      if (sit == readings_.end()) continue;
      for (auto it = sit->second.lower_bound(to_epoch(marked.start));
           it != sit->second.end() && it->first < to_epoch(marked.end); ++it)
        dirty_[dirty_hour{id, utc_hour(it->first)}] = seq;
    }
  }

  static epoch_seconds utc_hour(epoch_seconds ts) noexcept {
    return ts - (((ts % 3600) + 3600) % 3600);
  }

  template <class Map>
  static std::optional<typename Map::mapped_type> find(const Map& m, const uuid& id) {
    auto it = m.find(id);
    if (it == m.end()) return std::nullopt;
    return it->second;
  }
  template <class Map>
  static std::vector<typename Map::mapped_type> values(const Map& m) {
    std::vector<typename Map::mapped_type> out;
    out.reserve(m.size());
    for (const auto& [k, v] : m)
      out.push_back(v);
    return out;
  }

  /// Appends the sensor's rows in `range` to `chunk`, handing each full chunk to `sink`; false
  /// when the sink asked to stop.
  bool scan_range(reading_rows& chunk, const uuid& sensor_id, time_range range,
                  std::size_t chunk_rows, const reading_chunk_sink& sink) const {
    auto sit = readings_.find(sensor_id);
    if (sit == readings_.end()) return true;
    const auto& series = sit->second;
    for (auto it = series.lower_bound(to_epoch(range.start));
         it != series.end() && it->first < to_epoch(range.end); ++it) {
      chunk.push_back(sensor_id, it->first, it->second.value, it->second.quality);
      if (chunk.size() == chunk_rows) {
        if (!sink(chunk)) return false;
        chunk.clear();
      }
    }
    return true;
  }

  std::map<uuid, tenant> tenants_;
  std::map<uuid, building> buildings_;
  std::map<uuid, sensor> sensors_;
  std::map<uuid, alert_config> alerts_;
  std::unordered_map<uuid, std::map<epoch_seconds, stored_value>> readings_;
  std::unordered_map<uuid, sample_state> states_;
  std::map<dirty_hour, std::int64_t> dirty_;
  std::int64_t sequence_ = 0;
  std::map<summary_key, summary_row> summaries_;
  summary_settings settings_;
  std::map<uuid, std::vector<tariff_version>> tariffs_;  ///< per building, in upload order
};

}  // namespace

std::unique_ptr<store> open_memory_store() {
  return std::make_unique<store>(std::make_unique<memory_store>());
}

}  // namespace energy::storage
