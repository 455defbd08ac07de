// SPDX-License-Identifier: Apache-2.0
// Streamed reads for Python: Store.iter_readings / iter_building_readings / iter_summaries return
// iterators of column batches, so a notebook can walk a range larger than memory. Each batch is one
// store::scan_* call that stops after its first chunk and remembers where it ended; between batches
// the store is free (no read stays open while Python runs), and memory is one batch.
#include "store_columns.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <vector>

namespace energy::py {
namespace {

using guard = std::lock_guard<std::mutex>;

/// Sensors are read one after another (in id order, as store::scan_building_readings orders
/// them); within a sensor, a batch resumes one second after the last timestamp it returned.
class reading_batches {
 public:
  reading_batches(std::shared_ptr<store_handle> h, std::vector<uuid> sensors, time_range range,
                  std::size_t chunk_rows, bool with_sensor)
      : h_(std::move(h)),
        sensors_(std::move(sensors)),
        range_(range),
        from_(range.start),
        chunk_rows_(chunk_rows),
        with_sensor_(with_sensor) {}

  pyb::dict next() {
    reading_rows batch;
    {
      pyb::gil_scoped_release release;
      guard g(h_->mutex);
      while (batch.empty() && next_sensor_ < sensors_.size()) {
        h_->store->scan_readings(
            sensors_[next_sensor_], {from_, range_.end},
            [&](const reading_rows& chunk) {
              batch = chunk;
              return false;
            },
            chunk_rows_);
        if (batch.size() < chunk_rows_) {  // this sensor is done
          ++next_sensor_;
          from_ = range_.start;
        } else {
          from_ = from_epoch(batch.ts.back() + 1);
        }
      }
    }
    if (batch.empty()) throw pyb::stop_iteration();
    return readings_columns(std::move(batch), with_sensor_);
  }

 private:
  std::shared_ptr<store_handle> h_;
  std::vector<uuid> sensors_;
  time_range range_;
  utc_seconds from_;
  std::size_t chunk_rows_;
  bool with_sensor_;
  std::size_t next_sensor_ = 0;
};

/// Summaries are ordered by period.start, unique per query: a batch resumes one second after the
/// last start it returned.
class summary_batches {
 public:
  summary_batches(std::shared_ptr<store_handle> h, storage::summary_query q, std::size_t chunk_rows)
      : h_(std::move(h)), q_(q), chunk_rows_(chunk_rows) {}

  pyb::dict next() {
    std::vector<summary_row> batch;
    if (!done_) {
      pyb::gil_scoped_release release;
      guard g(h_->mutex);
      h_->store->scan_summaries(
          q_,
          [&](std::span<const summary_row> chunk) {
            batch.assign(chunk.begin(), chunk.end());
            return false;
          },
          chunk_rows_);
      done_ = batch.size() < chunk_rows_;
      if (!batch.empty()) q_.range.start = batch.back().period.start + std::chrono::seconds{1};
    }
    if (batch.empty()) throw pyb::stop_iteration();
    return summary_columns(std::move(batch));
  }

 private:
  std::shared_ptr<store_handle> h_;
  storage::summary_query q_;
  std::size_t chunk_rows_;
  bool done_ = false;
};

std::size_t checked_chunk_rows(std::size_t n) {
  if (n == 0) throw std::invalid_argument("chunk_rows: must be at least 1");
  return n;
}

}  // namespace

void bind_store_batches(pyb::class_<store_handle, std::shared_ptr<store_handle>>& s) {
  pyb::class_<reading_batches>(s, "ReadingBatches",
                               "Iterator of reading batches (dicts of numpy columns).")
      .def(
          "__iter__", [](reading_batches& b) -> reading_batches& { return b; },
          pyb::return_value_policy::reference_internal)
      .def("__next__", &reading_batches::next);
  pyb::class_<summary_batches>(s, "SummaryBatches",
                               "Iterator of summary batches (dicts of numpy columns).")
      .def(
          "__iter__", [](summary_batches& b) -> summary_batches& { return b; },
          pyb::return_value_policy::reference_internal)
      .def("__next__", &summary_batches::next);

  s.def(
      "iter_readings",
      [](const std::shared_ptr<store_handle>& h, const pyb::object& sensor_id,
         const pyb::object& start, const pyb::object& end, std::size_t chunk_rows) {
        return reading_batches(h, {to_uuid(sensor_id, "sensor_id")}, range_of(start, end),
                               checked_chunk_rows(chunk_rows), false);
      },
      pyb::arg("sensor_id"), pyb::arg("start") = pyb::none(), pyb::arg("end") = pyb::none(),
      pyb::kw_only(), pyb::arg("chunk_rows") = storage::default_chunk_rows,
      "Readings of one sensor with ts in [start, end), as an iterator of batches of at most "
      "chunk_rows rows, each with read_readings' columns; only one batch is in memory at a time.");
  s.def(
      "iter_building_readings",
      [](const std::shared_ptr<store_handle>& h, const pyb::object& building_id,
         const pyb::object& start, const pyb::object& end, std::size_t chunk_rows) {
        const uuid id = to_uuid(building_id, "building_id");
        std::vector<uuid> sensors;
        {
          pyb::gil_scoped_release release;
          guard g(h->mutex);
          for (const sensor& x : h->store->list_sensors(id))
            sensors.push_back(x.id);
        }
        std::sort(sensors.begin(), sensors.end());
        return reading_batches(h, std::move(sensors), range_of(start, end),
                               checked_chunk_rows(chunk_rows), true);
      },
      pyb::arg("building_id"), pyb::arg("start") = pyb::none(), pyb::arg("end") = pyb::none(),
      pyb::kw_only(), pyb::arg("chunk_rows") = storage::default_chunk_rows,
      "Readings of every sensor of a building, ordered by (sensor id, ts), as an iterator of "
      "batches of at most chunk_rows rows with read_building_readings' columns (each batch's "
      "sensor_categories list the sensors of that batch).");
  s.def(
      "iter_summaries",
      [](const std::shared_ptr<store_handle>& h, const pyb::object& subject_id,
         const std::string& resolution, const pyb::object& start, const pyb::object& end,
         const std::string& scope, const std::string& type, std::size_t chunk_rows) {
        return summary_batches(h, summary_query_of(subject_id, resolution, start, end, scope, type),
                               checked_chunk_rows(chunk_rows));
      },
      pyb::arg("subject_id"), pyb::arg("resolution") = "day", pyb::arg("start") = pyb::none(),
      pyb::arg("end") = pyb::none(), pyb::kw_only(), pyb::arg("scope") = "building",
      pyb::arg("type") = "electricity", pyb::arg("chunk_rows") = storage::default_chunk_rows,
      "Stored summaries as read_summaries returns them, as an iterator of batches of at most "
      "chunk_rows rows.");
}

}  // namespace energy::py
