// SPDX-License-Identifier: Apache-2.0
// aggregate(): local-time hourly / daily / monthly summaries of in-memory readings (no store).
#include "common.hpp"

#include <energy/aggregate/aggregator.hpp>
#include <energy/decimal_column.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

namespace energy::py {
namespace {

constexpr std::uint32_t no_sensor = std::numeric_limits<std::uint32_t>::max();
/// Rows converted per step: the three converted columns (160 KiB) stay in the core's own cache
/// while the aggregator consumes them.
constexpr std::size_t chunk_rows = std::size_t{1} << 13;
/// Below this many rows per thread, starting a thread costs more than it saves.
constexpr std::size_t rows_per_thread = std::size_t{1} << 20;

/// The sensor of each row as a position in `sensors`, from whichever form the caller has: integer
/// codes into `categories` (pandas categorical / np.unique inverse), or one id per row.
class sensor_column {
 public:
  const void* codes = nullptr;  ///< integer codes (any width, signed or not), or null
  char code_kind = 'i';
  int code_size = 8;
  std::vector<std::uint32_t> code_position;  ///< category -> position, no_sensor when unknown
  std::vector<uuid> code_category;           ///< for error messages
  std::vector<std::uint32_t> row_position;   ///< per-row positions when ids were given per row
  pyb::array codes_owner;                    ///< owner of `codes` (destroyed with the GIL held)

  /// Positions in `sensors` of rows [from, from + k) into `out`.
  /// @throws std::invalid_argument naming the first row whose sensor is unknown.
  void positions(std::size_t from, std::size_t k, std::uint32_t* out) const {
    if (codes == nullptr) {
      std::copy_n(row_position.data() + from, k, out);
      return;
    }
    // One dispatch per chunk on the codes' width, not one per row.
    switch (code_size * (code_kind == 'u' ? -1 : 1)) {
      case 1:
        return translate(static_cast<const std::int8_t*>(codes), from, k, out);
      case 2:
        return translate(static_cast<const std::int16_t*>(codes), from, k, out);
      case 4:
        return translate(static_cast<const std::int32_t*>(codes), from, k, out);
      case 8:
        return translate(static_cast<const std::int64_t*>(codes), from, k, out);
      case -1:
        return translate(static_cast<const std::uint8_t*>(codes), from, k, out);
      case -2:
        return translate(static_cast<const std::uint16_t*>(codes), from, k, out);
      case -4:
        return translate(static_cast<const std::uint32_t*>(codes), from, k, out);
      default:
        return translate(static_cast<const std::uint64_t*>(codes), from, k, out);
    }
  }

 private:
  template <class Code>
  void translate(const Code* c, std::size_t from, std::size_t k, std::uint32_t* out) const {
    const std::uint32_t* table = code_position.data();
    const auto categories = static_cast<std::int64_t>(code_position.size());
    for (std::size_t j = 0; j < k; ++j) {
      // uint64 codes beyond int64 become negative here and fail the same range check.
      const auto code = static_cast<std::int64_t>(c[from + j]);
      const std::uint32_t p =
          code >= 0 && code < categories ? table[static_cast<std::size_t>(code)] : no_sensor;
      if (p == no_sensor) [[unlikely]]
        throw unknown(from + j, code);
      out[j] = p;
    }
  }

  [[nodiscard]] std::invalid_argument unknown(std::size_t row, std::int64_t code) const {
    if (code < 0 || static_cast<std::size_t>(code) >= code_position.size())
      return std::invalid_argument(
          fmt::format("sensor_id[{}]: code {} has no category (missing sensor id?)", row, code));
    return std::invalid_argument(
        fmt::format("sensor_id[{}]: sensor {} is not among the sensors given", row,
                    code_category[static_cast<std::size_t>(code)].to_string()));
  }
};

/// Positions of sensor ids in `sensors`: a sorted array and a binary search, built on first use,
/// not a hash map of 10^4 nodes that a fresh process page-faults in on every call. A repeated id
/// may answer any of its positions: the aggregator gives them one slot.
class position_finder {
 public:
  explicit position_finder(const std::vector<sensor>& sensors) : sensors_(sensors) {}
  /// The position of `id`, or no_sensor. `likely`: where it probably is (categories listed in the
  /// sensors' own order, `[s.id for s in sensors]`, need no search).
  [[nodiscard]] std::uint32_t find(const uuid& id, std::size_t likely) {
    if (likely < sensors_.size() && sensors_[likely].id == id)
      return static_cast<std::uint32_t>(likely);
    if (sorted_.empty()) {
      sorted_.reserve(sensors_.size());
      for (std::size_t p = 0; p < sensors_.size(); ++p)
        sorted_.emplace_back(sensors_[p].id, static_cast<std::uint32_t>(p));
      std::sort(sorted_.begin(), sorted_.end());
    }
    const auto it =
        std::lower_bound(sorted_.begin(), sorted_.end(), std::pair{id, std::uint32_t{0}});
    return it != sorted_.end() && it->first == id ? it->second : no_sensor;
  }

 private:
  const std::vector<sensor>& sensors_;
  std::vector<std::pair<uuid, std::uint32_t>> sorted_;
};

sensor_column read_sensor_column(const std::vector<sensor>& sensors, const pyb::handle& sensor_ids,
                                 const pyb::object& categories, std::size_t n) {
  const auto length_error = [] {
    return std::invalid_argument(
        "aggregate: sensor_id, ts and the values must have the same length");
  };
  sensor_column col;
  if (categories.is_none()) {
    const auto ids = to_uuids(sensor_ids, "sensor_id");
    if (ids.size() != n) throw length_error();
    // One lookup per row: a hash map (its build is small beside parsing one id per row).
    std::unordered_map<uuid, std::uint32_t> position_of;
    position_of.reserve(sensors.size());
    for (std::size_t p = 0; p < sensors.size(); ++p)
      position_of.try_emplace(sensors[p].id, static_cast<std::uint32_t>(p));
    col.row_position.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto it = position_of.find(ids[i]);
      col.row_position[i] = it == position_of.end() ? no_sensor : it->second;
      if (col.row_position[i] == no_sensor)
        throw std::invalid_argument(fmt::format(
            "sensor_id[{}]: sensor {} is not among the sensors given", i, ids[i].to_string()));
    }
    return col;
  }
  col.code_category = to_uuids(categories, "sensor_categories");
  position_finder position(sensors);
  col.code_position.reserve(col.code_category.size());
  for (std::size_t c = 0; c < col.code_category.size(); ++c)
    col.code_position.push_back(position.find(col.code_category[c], c));
  const auto arr = pyb::array::ensure(sensor_ids);
  if (!arr || arr.ndim() != 1 || (arr.dtype().kind() != 'i' && arr.dtype().kind() != 'u'))
    throw pyb::type_error(
        "sensor_id: with sensor_categories, expected a 1-D integer array of codes");
  if (static_cast<std::size_t>(arr.size()) != n) throw length_error();
  // Codes are read in place whatever their width (pandas picks int8/int16/int32): no int64 copy.
  const auto contiguous = pyb::array::ensure(arr, pyb::array::c_style);
  col.codes = contiguous.data();
  col.code_kind = contiguous.dtype().kind();
  col.code_size = static_cast<int>(contiguous.itemsize());
  col.codes_owner = contiguous;
  return col;
}

}  // namespace

void bind_aggregate(pyb::module_& m) {
  m.def(
      "aggregate",
      [](const std::vector<building>& buildings, const std::vector<sensor>& sensors,
         const pyb::handle& sensor_ids, const pyb::object& ts, const pyb::object& value_milli,
         const pyb::object& value, bool sensor_scope, const pyb::object& sensor_categories,
         int threads) {
        const auto ts_ns = ns_values(ts, "ts");
        const auto n = static_cast<std::size_t>(ts_ns.size());
        if (value_milli.is_none() == value.is_none())
          throw std::invalid_argument(
              "aggregate: pass exactly one of value_milli (int64 milli-units) and value (float64 "
              "canonical units)");
        using i64_array = pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast>;
        using f64_array = pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>;
        i64_array milli_values;
        f64_array unit_values;
        if (!value_milli.is_none())
          milli_values = exact_int64s(value_milli, "value_milli");
        else
          unit_values = f64_array::ensure(value);
        const pyb::array values =
            value_milli.is_none() ? pyb::array(unit_values) : pyb::array(milli_values);
        if (!values || values.ndim() != 1)
          throw pyb::type_error("aggregate: the values must be a 1-D numeric array");
        if (static_cast<std::size_t>(values.size()) != n)
          throw std::invalid_argument(
              "aggregate: sensor_id, ts and the values must have the same length");
        const sensor_column col = read_sensor_column(sensors, sensor_ids, sensor_categories, n);
        const std::int64_t* t = ts_ns.data();
        const std::int64_t* vm = value_milli.is_none() ? nullptr : milli_values.data();
        const double* vu = value_milli.is_none() ? unit_values.data() : nullptr;
        const aggregate::aggregator_options options{.sensor_scope = sensor_scope,
                                                    .building_scope = true};

        // Rows [begin, end) into `agg`, converted chunk by chunk.
        const auto consume = [&](aggregate::aggregator& agg, std::size_t begin, std::size_t end) {
          std::vector<std::uint32_t> pos(chunk_rows);
          std::vector<epoch_seconds> secs(chunk_rows);
          std::vector<milli> conv(vu != nullptr ? chunk_rows : 0);
          for (std::size_t from = begin; from < end; from += chunk_rows) {
            const std::size_t k = std::min(chunk_rows, end - from);
            col.positions(from, k, pos.data());
            ns_to_seconds(t + from, k, secs.data(), "ts", from);
            if (vu != nullptr) {
              const std::size_t converted =
                  to_milli(std::span(vu + from, k), std::span(conv.data(), k));
              if (converted != k) {
                const double bad = vu[from + converted];
                throw std::invalid_argument(
                    fmt::format("value[{}]: {} {}", from + converted, bad,
                                std::isfinite(bad) ? "is too large (more than 9e12 canonical units)"
                                                   : "is not a finite number of canonical units"));
              }
            }
            agg.add(std::span(pos.data(), k), std::span(secs.data(), k),
                    vu != nullptr ? std::span<const milli>(conv.data(), k)
                                  : std::span<const milli>(vm + from, k));
          }
        };

        aggregate::aggregation_result result;
        {
          pyb::gil_scoped_release release;
          // Asked for: that many (at most one per row); automatic: one per core, each with at
          // least rows_per_thread rows.
          const std::size_t workers =
              threads > 0 ? std::max<std::size_t>(1, std::min(static_cast<std::size_t>(threads), n))
                          : std::max<std::size_t>(
                                1, std::min<std::size_t>(std::thread::hardware_concurrency(),
                                                         n / rows_per_thread));
          // Contiguous row ranges, one aggregator each, merged in order: the result does not
          // depend on the split (aggregation is exact integer sums and maxima). Each worker
          // builds its own aggregator (10^4 sensors take milliseconds) while the others do.
          std::vector<std::optional<aggregate::aggregator>> parts(workers);
          aggregate::aggregator_options part_options = options;
          part_options.threads = static_cast<unsigned>(workers);  // the fold's threads too
          std::vector<std::exception_ptr> errors(workers);
          const auto range = [&](std::size_t w) { return n * w / workers; };
          const auto work = [&](std::size_t w) {
            try {
              parts[w].emplace(buildings, sensors, part_options);
              // Worker 0 takes in the others' tiles at the merge: it reserves for every row.
              parts[w]->reserve(w == 0 ? n : range(w + 1) - range(w));
              consume(*parts[w], range(w), range(w + 1));
            } catch (...) {
              errors[w] = std::current_exception();
            }
          };
          std::vector<std::thread> pool;
          for (std::size_t w = 1; w < workers; ++w)
            pool.emplace_back(work, w);
          work(0);
          for (auto& th : pool)
            th.join();
          for (const auto& e : errors)
            if (e) std::rethrow_exception(e);  // the first bad row's range
          for (std::size_t w = 1; w < workers; ++w)
            parts[0]->merge(std::move(*parts[w]));
          result = parts[0]->finish();
        }
        pyb::dict out;
        out["hour"] = summary_columns(std::move(result.hourly));
        out["day"] = summary_columns(std::move(result.daily));
        out["month"] = summary_columns(std::move(result.monthly));
        return out;
      },
      pyb::arg("buildings"), pyb::arg("sensors"), pyb::arg("sensor_id"), pyb::arg("ts"),
      pyb::arg("value_milli") = pyb::none(), pyb::kw_only(), pyb::arg("value") = pyb::none(),
      pyb::arg("sensor_scope") = false, pyb::arg("sensor_categories") = pyb::none(),
      pyb::arg("threads") = 0,
      "Hourly, daily and monthly summaries in each building's local time (DST days have 23/25 "
      "hours) of readings given as columns.\n\n"
      "sensor_id: one id per row, or integer codes (any integer dtype) into sensor_categories.\n"
      "ts: datetime64[ns] UTC (or int64 ns), whole seconds.\n"
      "Values: either value_milli (int64 thousandths of the canonical unit: Wh for kWh sensors) or "
      "value= (float64 canonical units, rounded half away from zero to the thousandth).\n"
      "threads: 0 = one per core for large inputs (each takes a contiguous share of the rows; the "
      "result is identical for any thread count). The GIL is released throughout.");
}

}  // namespace energy::py
