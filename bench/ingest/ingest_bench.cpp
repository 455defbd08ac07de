// SPDX-License-Identifier: Apache-2.0
// Parse + validate throughput of the seed's JSON batch format on one core.
//
// Data: 50 buildings × 1000 sensors (interval-energy electricity meters, kWh), 15-minute readings
// with an office-like daily profile, values with three decimals, timestamps in UTC ("Z") and in
// US/EU offsets. One batch = every sensor × `intervals` consecutive quarter hours.
// Reference, measured in the same run: a bare simdjson pass over the same document that only sums
// the values (On-Demand and DOM), so the ratio shows the cost of ids, timestamps, checks and
// columns on top of the JSON scan itself.
// ENERGY_BENCH_SMOKE=1 shrinks everything to a few hundred readings (CTest smoke run).
#include <energy/ingest/validate.hpp>
#include <energy/io/csv_readings.hpp>
#include <energy/io/json_batch.hpp>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <random>
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>

namespace {

using namespace energy;

bool smoke() {
  return std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
}

struct fixture {
  std::vector<sensor> sensors;
  std::string json;  // padded: json_padding_bytes of zeros after json_size
  std::size_t json_size = 0;
  std::size_t readings = 0;
  std::string csv;  // the same readings as `sensor_id,timestamp,value` CSV
  ingest::sensor_directory directory;

  fixture() {
    const int buildings = smoke() ? 2 : 50;
    const int per_building = smoke() ? 25 : 1000;
    const int intervals = smoke() ? 4 : 4;
    std::mt19937_64 rng(2024);
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    const auto created = *parse_utc_timestamp("2020-01-01T00:00:00Z");
    for (int b = 0; b < buildings; ++b) {
      const uuid building = uuid::v7();
      for (int k = 0; k < per_building; ++k) {
        sensor s;
        s.id = uuid::v7();
        s.building_id = building;
        s.created_at = created;
        s.max_value = 500.0;
        sensors.push_back(s);
      }
    }
    const epoch_seconds start = to_epoch(*parse_utc_timestamp("2024-03-10T06:00:00Z"));
    const char* offsets[] = {"Z", "-05:00", "+01:00"};
    json.reserve(sensors.size() * static_cast<std::size_t>(intervals) * 110 + 64);
    json += "{\"readings\":[";
    csv = "sensor_id,timestamp,value\n";
    bool first = true;
    for (int i = 0; i < intervals; ++i) {
      const epoch_seconds t = start + 900 * i;
      for (std::size_t k = 0; k < sensors.size(); ++k) {
        const char* off = offsets[k % 3];
        const int shift = off[0] == 'Z' ? 0 : (off[0] == '-' ? -5 * 3600 : 3600);
        const auto local = from_epoch(t + shift);
        const auto day = std::chrono::floor<std::chrono::days>(local);
        const std::chrono::year_month_day ymd{day};
        const std::chrono::hh_mm_ss<std::chrono::seconds> tod{local - day};
        // Office profile: base load plus a daytime hump, per-meter size and noise.
        const double hour = static_cast<double>(tod.hours().count()) +
                            static_cast<double>(tod.minutes().count()) / 60.0;
        const double profile =
            0.4 + 0.6 * std::max(0.0, std::sin((hour - 6.0) / 14.0 * 3.14159265));
        const double kwh =
            std::round((1.0 + static_cast<double>(k % 37)) * profile * jitter(rng) * 1000.0) /
            1000.0;
        fmt::format_to(std::back_inserter(csv), "{},{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{},{}\n",
                       sensors[k].id.to_string(), static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       tod.hours().count(), tod.minutes().count(), tod.seconds().count(), off, kwh);
        fmt::format_to(std::back_inserter(json),
                       "{}{{\"sensor_id\":\"{}\",\"timestamp\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:"
                       "02}{}\",\"value_kwh\":{}}}",
                       first ? "" : ",", sensors[k].id.to_string(), static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       tod.hours().count(), tod.minutes().count(), tod.seconds().count(), off, kwh);
        first = false;
        ++readings;
      }
    }
    json += "]}";
    json_size = json.size();
    json.resize(json_size + io::json_padding_bytes, '\0');
    directory = ingest::sensor_directory(sensors);
  }

  [[nodiscard]] std::string_view text() const { return {json.data(), json_size}; }
};

const fixture& data() {
  static const fixture f;
  return f;
}

void set_counters(benchmark::State& state, const fixture& f) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.readings));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.json_size));
  state.counters["readings"] = static_cast<double>(f.readings);
}

// Reference: simdjson On-Demand, sum of values only (what any JSON reader must at least do).
void reference_ondemand_sum(benchmark::State& state) {
  const auto& f = data();
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    auto doc =
        parser.iterate(simdjson::padded_string_view(f.json.data(), f.json_size, f.json.size()));
    double sum = 0;
    for (auto r : doc["readings"].get_array())
      sum += r["value_kwh"].get_double();
    benchmark::DoNotOptimize(sum);
  }
  set_counters(state, f);
  state.SetLabel(simdjson::builtin_implementation()->name());
}
BENCHMARK(reference_ondemand_sum)->Unit(benchmark::kMillisecond);

// Reference: simdjson DOM (runtime-dispatched SIMD kernel), sum of values only.
void reference_dom_sum(benchmark::State& state) {
  const auto& f = data();
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element doc = parser.parse(f.json.data(), f.json_size, false);
    double sum = 0;
    for (simdjson::dom::object r : doc["readings"].get_array())
      sum += double(r["value_kwh"]);
    benchmark::DoNotOptimize(sum);
  }
  set_counters(state, f);
  state.SetLabel(simdjson::get_active_implementation()->name());
}
BENCHMARK(reference_dom_sum)->Unit(benchmark::kMillisecond);

// The library's parser: ids, timestamps, values, flags into a reading_batch, errors per element.
void parse_json_batch(benchmark::State& state) {
  const auto& f = data();
  for (auto _ : state) {
    auto parsed = io::parse_json_batch(f.text(), "bench", io::json_padding::present);
    benchmark::DoNotOptimize(parsed.batch.ts.data());
  }
  set_counters(state, f);
}
BENCHMARK(parse_json_batch)->Unit(benchmark::kMillisecond);

/// Reads a buffer in place through an istream (no copy), as a file would be read.
class text_view_buf : public std::streambuf {
 public:
  explicit text_view_buf(std::string_view text) {
    char* p = const_cast<char*>(text.data());  // only read: get area
    setg(p, p, p + text.size());
  }
};

// The same batch streamed (read_json_batch with a chunk handler, as `energy import` reads a
// file): the cost of finding element boundaries and parsing in windows, against parse_json_batch.
void stream_json_batch(benchmark::State& state) {
  const auto& f = data();
  for (auto _ : state) {
    text_view_buf buf(f.text());
    std::istream in(&buf);
    std::size_t rows = 0;
    io::read_json_batch(in, "bench", io::json_stream_options{},
                        [&](io::parsed_readings&& chunk) { rows += chunk.batch.size(); });
    if (rows != f.readings) state.SkipWithError("unexpected rejections");
  }
  set_counters(state, f);
}
BENCHMARK(stream_json_batch)->Unit(benchmark::kMillisecond);

// Validation and normalisation alone, on the parsed batch (50,000-sensor directory).
void validate_only(benchmark::State& state) {
  const auto& f = data();
  const auto parsed = io::parse_json_batch(f.text(), "bench", io::json_padding::present);
  ingest::validation_options opt;
  opt.now = *parse_utc_timestamp("2024-07-01T00:00:00Z");
  for (auto _ : state) {
    auto v = ingest::validate_batch(parsed.batch, f.directory, opt);
    if (!v.rejections.empty()) state.SkipWithError("unexpected rejections");
    benchmark::DoNotOptimize(v.rows.value.data());
  }
  set_counters(state, f);
}
BENCHMARK(validate_only)->Unit(benchmark::kMillisecond);

// The target: parse + validate, one core.
void parse_and_validate(benchmark::State& state) {
  const auto& f = data();
  ingest::validation_options opt;
  opt.now = *parse_utc_timestamp("2024-07-01T00:00:00Z");
  for (auto _ : state) {
    auto parsed = io::parse_json_batch(f.text(), "bench", io::json_padding::present);
    auto v = ingest::validate_batch(parsed.batch, f.directory, opt);
    if (v.rows.size() != f.readings) state.SkipWithError("unexpected rejections");
    benchmark::DoNotOptimize(v.rows.value.data());
  }
  set_counters(state, f);
}
BENCHMARK(parse_and_validate)->Unit(benchmark::kMillisecond);

// Reference for CSV: read the same text line by line and convert only the value column.
void reference_csv_lines(benchmark::State& state) {
  const auto& f = data();
  for (auto _ : state) {
    std::istringstream in(f.csv);
    std::string line;
    double sum = 0;
    std::getline(in, line);
    while (std::getline(in, line)) {
      double v = 0;
      const auto comma = line.rfind(',');
      std::from_chars(line.data() + comma + 1, line.data() + line.size(), v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.readings));
}
BENCHMARK(reference_csv_lines)->Unit(benchmark::kMillisecond);

// The library's streaming CSV reader over the same readings.
void parse_csv(benchmark::State& state) {
  const auto& f = data();
  for (auto _ : state) {
    auto parsed = io::parse_csv_readings(f.csv, "bench.csv");
    if (parsed.batch.size() != f.readings) state.SkipWithError("unexpected CSV rejections");
    benchmark::DoNotOptimize(parsed.batch.ts.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.readings));
}
BENCHMARK(parse_csv)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
