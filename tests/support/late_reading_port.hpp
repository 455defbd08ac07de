// SPDX-License-Identifier: Apache-2.0
// Test double: a retention port that lets a late reading land (through the store, as a concurrent
// ingest would) just before the job's first drop — the race between archiving a day and a late
// reading for it. Everything else passes through to the real port.
#pragma once

#include <energy/storage/retention.hpp>
#include <energy/storage/store.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace energy::testing {

class late_reading_port final : public storage::retention_port {
 public:
  late_reading_port(std::unique_ptr<storage::retention_port> real, storage::store& s,
                    reading_rows late)
      : real_(std::move(real)), store_(s), late_(std::move(late)) {}
  std::unique_ptr<lock> try_lock() override { return real_->try_lock(); }
  std::vector<time_range> days_before(utc_seconds cutoff) override {
    return real_->days_before(cutoff);
  }
  std::vector<uuid> buildings_in_day(time_range day) override {
    return real_->buildings_in_day(day);
  }
  reading_rows read_day(time_range day, const uuid& building) override {
    return real_->read_day(day, building);
  }
  std::int64_t pending_dirty_hours(time_range day) override {
    return real_->pending_dirty_hours(day);
  }
  bool drop_day(time_range day, std::int64_t expected_rows) override {
    if (!late_.empty()) {
      (void)store_.write_readings(late_);
      late_.clear();
    }
    return real_->drop_day(day, expected_rows);
  }
  std::int64_t delete_summaries_before(utc_seconds cutoff) override {
    return real_->delete_summaries_before(cutoff);
  }

 private:
  std::unique_ptr<storage::retention_port> real_;
  storage::store& store_;
  reading_rows late_;
};

}  // namespace energy::testing
