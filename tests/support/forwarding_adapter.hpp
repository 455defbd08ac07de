// SPDX-License-Identifier: Apache-2.0
// An adapter that forwards every call to the adapter of another store: a test derives from it and
// overrides the one call it wants to distort (a sensor the store forgets, a listing that lags).
#pragma once

#include <memory>
#include <utility>

#include <energy/storage/store.hpp>

namespace energy::test {

class forwarding_adapter : public storage::adapter {
 public:
  explicit forwarding_adapter(std::unique_ptr<storage::store> owner)
      : owner_(std::move(owner)), inner_(owner_->backend()) {}

  std::string_view adapter_name() const noexcept override { return "forwarding"; }
  void put_tenant(const tenant& t) override { inner_.put_tenant(t); }
  std::optional<tenant> get_tenant(const uuid& id) override { return inner_.get_tenant(id); }
  std::vector<tenant> list_tenants() override { return inner_.list_tenants(); }
  void put_building(const building& b) override { inner_.put_building(b); }
  std::optional<building> get_building(const uuid& id) override { return inner_.get_building(id); }
  std::vector<building> list_buildings(const uuid& t) override { return inner_.list_buildings(t); }
  void put_sensor(const sensor& s) override { inner_.put_sensor(s); }
  std::optional<sensor> get_sensor(const uuid& id) override { return inner_.get_sensor(id); }
  std::vector<sensor> list_sensors(const uuid& b) override { return inner_.list_sensors(b); }
  std::vector<sensor> list_all_sensors() override { return inner_.list_all_sensors(); }
  void put_alert_config(const alert_config& a) override { inner_.put_alert_config(a); }
  std::vector<alert_config> list_alert_configs(const uuid& b) override {
    return inner_.list_alert_configs(b);
  }
  storage::write_result write_readings(const reading_rows& r,
                                       std::span<const sample_state> s) override {
    return inner_.write_readings(r, s);
  }
  void scan_readings(const uuid& s, time_range r, std::size_t n,
                     const storage::reading_chunk_sink& sink) override {
    inner_.scan_readings(s, r, n, sink);
  }
  void scan_building_readings(const uuid& b, time_range r, std::size_t n,
                              const storage::reading_chunk_sink& sink) override {
    inner_.scan_building_readings(b, r, n, sink);
  }
  std::optional<sample_state> get_sample_state(const uuid& s) override {
    return inner_.get_sample_state(s);
  }
  std::int64_t count_readings() override { return inner_.count_readings(); }
  storage::dirty_claim claim_dirty(std::size_t n) override { return inner_.claim_dirty(n); }
  void commit_summaries(std::span<const summary_row> r, const storage::dirty_claim& c) override {
    inner_.commit_summaries(r, c);
  }
  void scan_summaries(const storage::summary_query& q, std::size_t n,
                      const storage::summary_chunk_sink& sink) override {
    inner_.scan_summaries(q, n, sink);
  }
  storage::summary_settings get_summary_settings() override {
    return inner_.get_summary_settings();
  }
  void set_summary_settings(const storage::summary_settings& s) override {
    inner_.set_summary_settings(s);
  }
  void invalidate_summaries(const uuid& b, time_range r) override {
    inner_.invalidate_summaries(b, r);
  }

 private:
  std::unique_ptr<storage::store> owner_;
  storage::adapter& inner_;
};

}  // namespace energy::test
