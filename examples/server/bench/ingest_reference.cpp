// SPDX-License-Identifier: Apache-2.0
// The reference of the HTTP ingest benchmark (bench/ingest_bench.py): the library's own path for
// the same 1,000-reading JSON batches as bench/ingest.lua generates (batch g), without HTTP —
// io::parse_json_batch + ingest::ingest_batch into a fresh store (SQLite file, or a PostgreSQL
// database given as a postgresql:// URI) with the same 100 sensors. Prints READINGS and SECONDS.
// Usage: energy_server_ingest_reference <sqlite path | postgresql:// URI> <batches>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <energy/ingest/ingest.hpp>
#include <energy/io/json_batch.hpp>
#include <energy/storage/open.hpp>

namespace {

std::string body(const std::vector<std::string>& sensors, long g) {
  const long group = g % 10;
  const long block = g / 10;
  const long base = 1420070400 + block * 100 * 900;
  std::string out = "{\"readings\":[";
  char item[160];
  for (int s = 0; s < 10; ++s) {
    for (int k = 0; k < 100; ++k) {
      const std::time_t t = base + k * 900;
      std::tm tm{};
      gmtime_r(&t, &tm);
      char ts[32];
      std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
      std::snprintf(
          item, sizeof item, "%s{\"sensor_id\":\"%s\",\"timestamp\":\"%s\",\"value_kwh\":1.%03ld}",
          (s == 0 && k == 0) ? "" : ",", sensors[static_cast<std::size_t>(group * 10 + s)].c_str(),
          ts, (g + k + s) % 1000);
      out += item;
    }
  }
  return out + "]}";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace energy;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <sqlite path | postgresql:// URI> <batches>\n", argv[0]);
    return 2;
  }
  const std::string target = argv[1];
  const bool is_uri = target.rfind("postgresql://", 0) == 0 || target.rfind("sqlite:", 0) == 0;
  auto store = storage::open_store_uri(is_uri ? target : "sqlite:" + target);
  const long batches = std::atol(argv[2]);
  const tenant t{uuid::v7(), "bench", from_epoch(0)};
  store->put_tenant(t);
  building b{.id = uuid::v7(), .tenant_id = t.id, .name = "bench", .time_zone = "UTC"};
  store->put_building(b);
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    sensor s{.id = uuid::v7(), .building_id = b.id};
    s.created_at = from_epoch(1262304000);  // 2010
    store->put_sensor(s);
    ids.push_back(s.id.to_string());
  }
  std::vector<std::string> bodies;
  bodies.reserve(static_cast<std::size_t>(batches));
  for (long g = 0; g < batches; ++g)
    bodies.push_back(body(ids, g));
  std::size_t readings = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& text : bodies) {
    // Per batch, as the server does per request: parse, the caller's sensor directory, ingest.
    auto parsed = io::parse_json_batch(text, "batch");
    const ingest::sensor_directory directory(store->list_sensors(b.id));
    const auto report =
        ingest::ingest_batch(*store, directory, parsed.batch, {}, parsed.rejections);
    readings += report.inserted;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("READINGS %zu\nSECONDS %.3f\n", readings, seconds);
  return 0;
}
