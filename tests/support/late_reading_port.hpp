// SPDX-License-Identifier: Apache-2.0
// Test double: a retention port that lets late readings or corrections land (through the store, as
// a concurrent ingest would) just before the job's first drop — the race between archiving a day
// and a write to it — optionally followed by an aggregation run that clears their dirty marks.
// Everything else passes through to the real port.
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
                    reading_rows late, bool then_clear_marks = false)
      : real_(std::move(real)), store_(s), late_(std::move(late)), clear_(then_clear_marks) {}
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
  bool drop_day(time_range day, const storage::day_fingerprint& expected) override {
    if (!late_.empty()) {
      (void)store_.write_readings(late_);
      late_.clear();
      for (auto c = store_.backend().claim_dirty(1'000'000); clear_ && !c.hours.empty();
           c = store_.backend().claim_dirty(1'000'000))
        store_.backend().commit_summaries({}, c);
    }
    return real_->drop_day(day, expected);
  }
  std::int64_t delete_summaries_before(utc_seconds cutoff) override {
    return real_->delete_summaries_before(cutoff);
  }

 private:
  std::unique_ptr<storage::retention_port> real_;
  storage::store& store_;
  reading_rows late_;
  bool clear_;
};

}  // namespace energy::testing
