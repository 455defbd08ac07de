// SPDX-License-Identifier: Apache-2.0
// JSON reading batches: parse_json_batch (copied and caller-padded buffers), read_json_batch
// (whole stream) and the streamed reader (chunks, with read and chunk sizes taken from the input
// so element boundaries fall everywhere) must agree: the streamed result is the whole-document
// parse, and one fails exactly when the other does; chunks never exceed chunk_rows. Every array
// element has exactly one outcome (a row or a rejection, by index); ingesting the batch into a
// memory store keeps the accounting and a re-send changes nothing.
#include "fuzz_check.hpp"

#include <energy/error.hpp>
#include <energy/ingest/ingest.hpp>
#include <energy/io/json_batch.hpp>
#include <energy/storage/memory.hpp>

#include <cstring>
#include <optional>
#include <set>
#include <sstream>
#include <string>

using namespace energy;

namespace {

std::optional<io::parsed_readings> parse(std::string_view text) {
  try {
    return io::parse_json_batch(text, "fuzz.json");
  } catch (const parse_error&) {
    return std::nullopt;
  }
}

bool same(const io::parsed_readings& a, const io::parsed_readings& b) {
  return a.batch.sensor_id == b.batch.sensor_id && a.batch.ts == b.batch.ts &&
         a.batch.quality == b.batch.quality && a.batch.source_row == b.batch.source_row &&
         a.rejections == b.rejections && a.batch.value.size() == b.batch.value.size() &&
         (a.batch.value.empty() || std::memcmp(a.batch.value.data(), b.batch.value.data(),
                                               a.batch.value.size() * sizeof(double)) == 0);
}

/// The streamed reader with small read and chunk sizes chosen by the input's last bytes, the
/// chunks concatenated.
std::optional<io::parsed_readings> in_chunks(std::string_view text) {
  io::json_stream_options options;
  const auto at = [&](std::size_t back) {
    return text.size() > back ? static_cast<unsigned char>(text[text.size() - 1 - back]) : 0u;
  };
  options.read_bytes = 1 + at(0) % 61;
  options.chunk_rows = 1 + at(1) % 7;
  std::istringstream in{std::string(text)};
  io::parsed_readings all;
  try {
    io::read_json_batch(in, "fuzz.json", options, [&](io::parsed_readings&& chunk) {
      const auto n = chunk.batch.size() + chunk.rejections.size();
      FUZZ_CHECK(n > 0 && n <= options.chunk_rows);
      const auto& b = chunk.batch;
      for (std::size_t i = 0; i < b.size(); ++i)
        all.batch.push_back(b.sensor_id[i], b.ts[i], b.value[i], b.quality[i], b.source_row[i]);
      all.rejections.insert(all.rejections.end(), chunk.rejections.begin(), chunk.rejections.end());
    });
  } catch (const parse_error&) {
    return std::nullopt;
  }
  return all;
}

/// A store knowing the batch's first few sensors, with kinds picked from their ids, so that
/// validation and register/power derivation run on fuzzed values.
std::unique_ptr<storage::store> store_for(const reading_batch& b) {
  auto st = storage::open_memory_store();
  tenant t{uuid::v7(), "t", {}};
  st->put_tenant(t);
  building bl;
  bl.id = uuid::v7();
  bl.tenant_id = t.id;
  bl.time_zone = "UTC";
  st->put_building(bl);
  std::set<uuid> ids(b.sensor_id.begin(), b.sensor_id.end());
  int n = 0;
  for (const auto& id : ids) {
    if (++n > 4) break;
    sensor s;
    s.id = id;
    s.building_id = bl.id;
    s.created_at = from_epoch(0);
    switch (id.bytes()[15] % 4) {
      case 0:
        break;
      case 1:
        s.kind = reading_kind::cumulative_register;
        s.register_max = 99999.0;
        break;
      case 2:
        s.kind = reading_kind::instantaneous_power;
        s.unit = "kW";
        break;
      default:
        s.type = sensor_type::temperature;
        s.kind = reading_kind::instantaneous_value;
        s.unit = "degF";
    }
    st->put_sensor(s);
  }
  return st;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto whole = parse(text);

  std::string padded(text);
  padded.resize(size + io::json_padding_bytes, '\0');
  std::optional<io::parsed_readings> caller_padded;
  try {
    caller_padded = io::parse_json_batch(std::string_view(padded.data(), size), "fuzz.json",
                                         io::json_padding::present);
  } catch (const parse_error&) {
  }
  std::istringstream in{std::string(text)};
  std::optional<io::parsed_readings> streamed;
  try {
    streamed = io::read_json_batch(in, "fuzz.json");
  } catch (const parse_error&) {
  }
  const auto chunked = in_chunks(text);
  FUZZ_CHECK(whole.has_value() == caller_padded.has_value());
  FUZZ_CHECK(whole.has_value() == streamed.has_value());
  FUZZ_CHECK(whole.has_value() == chunked.has_value());
  if (!whole) return 0;
  FUZZ_CHECK(same(*whole, *caller_padded));
  FUZZ_CHECK(same(*whole, *streamed));
  FUZZ_CHECK(same(*whole, *chunked));

  // One outcome per element: the indices of rows and rejections are 0..n-1, each once.
  const auto& b = whole->batch;
  FUZZ_CHECK(b.sensor_id.size() == b.size() && b.value.size() == b.size() &&
             b.quality.size() == b.size() && b.source_row.size() == b.size());
  std::set<std::int64_t> seen(b.source_row.begin(), b.source_row.end());
  for (const auto& r : whole->rejections)
    seen.insert(r.source_row);
  FUZZ_CHECK(seen.size() == b.size() + whole->rejections.size());
  FUZZ_CHECK(seen.empty() ||
             (*seen.begin() == 0 && *seen.rbegin() == static_cast<std::int64_t>(seen.size()) - 1));

  // Ingest: accounting holds, and re-sending the same batch stores nothing new.
  auto st = store_for(b);
  ingest::ingest_options opt;
  opt.validation.now = from_epoch(2'000'000'000);
  opt.chunk_rows = 3;
  const auto first = ingest::ingest_batch(*st, b, opt, whole->rejections);
  FUZZ_CHECK(first.received ==
             first.accepted + first.rejected + first.duplicates + first.superseded);
  FUZZ_CHECK(first.rows == first.inserted + first.unchanged + first.replaced);
  const auto count = st->count_readings();
  const auto again = ingest::ingest_batch(*st, b, opt, whole->rejections);
  FUZZ_CHECK(again.inserted == 0 && again.replaced == 0);
  FUZZ_CHECK(st->count_readings() == count);
  return 0;
}
