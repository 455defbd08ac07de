// SPDX-License-Identifier: Apache-2.0
// The streamed JSON batch reader (read_json_batch with a chunk handler) against the
// whole-document parse: the same rows, rejections and failures at every read size and chunk size,
// malformed input at every byte boundary, the element limit, and memory bounded for a 200 MB
// input.
#include <energy/error.hpp>
#include <energy/io/csv_readings.hpp>
#include <energy/io/json_batch.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

using namespace energy;

namespace {

constexpr const char* id_a = "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88";

std::string reading(int i, std::string_view extra = "") {
  return fmt::format(R"({{"sensor_id":"{}","timestamp":"2024-07-01T{:02}:00:00Z","value":{}.5{}}})",
                     id_a, i % 24, i, extra);
}

/// Documents covering every path of the reader: ignored members before and after the array,
/// ignored keys inside elements, non-object elements, rejections, escapes, whitespace.
std::vector<std::string> documents() {
  return {
      R"({"readings":[]})",
      R"([])",
      "{\"readings\":[" + reading(1) + "," + reading(2) + "]}",
      "[" + reading(1) + " ,\n " + reading(2) + "\r\n]",
      " \n{ \"meta\" : {\"a\":[1,-0.5e+3,true,false,null,\"\\u00e9 \\\" ] }\"]}, \"n\":1,\n "
      "\"readings\" : [\n" +
          reading(1, R"(,"note":"a ] } \" , [ {")") + ",\n" + reading(2, R"(,"x":[[{"y":[]}]])") +
          ",\n" + "42" + ",\n" + R"(["not","an",{"object":1}])" + ",\n" + R"("text")" + ",\n" +
          R"({"sensor_id":"bad","timestamp":"2024-07-01T00:00:00Z","value":1})" + ",\n" +
          R"({"sensor_id":")" + id_a + R"(","timestamp":"noon","value":1})" + ",\n" +
          R"({"sensor_id":")" + id_a + R"(","timestamp":"2024-07-01T00:00:00Z","value":"1"})" +
          ",\n" + reading(3, R"(,"quality_flag":1)") + ",\n" + "null,true,false,{}" +
          "\n], \"readings\":[1,2], \"tail\":\"after\"}\n",
  };
}

bool same(const io::parsed_readings& a, const io::parsed_readings& b) {
  return a.batch.sensor_id == b.batch.sensor_id && a.batch.ts == b.batch.ts &&
         a.batch.value == b.batch.value && a.batch.quality == b.batch.quality &&
         a.batch.source_row == b.batch.source_row && a.rejections == b.rejections;
}

std::optional<io::parsed_readings> whole(const std::string& text) {
  try {
    return io::parse_json_batch(text, "t.json");
  } catch (const parse_error&) {
    return std::nullopt;
  }
}

/// Streams `text`, concatenating the chunks; checks each chunk's size on the way.
std::optional<io::parsed_readings> streamed(const std::string& text,
                                            const io::json_stream_options& options,
                                            std::string* error = nullptr) {
  std::istringstream in(text);
  io::parsed_readings all;
  try {
    io::read_json_batch(in, "t.json", options, [&](io::parsed_readings&& chunk) {
      const auto n = chunk.batch.size() + chunk.rejections.size();
      REQUIRE(n > 0);
      REQUIRE(n <= options.chunk_rows);
      for (std::size_t i = 0; i < chunk.batch.size(); ++i)
        all.batch.push_back(chunk.batch.sensor_id[i], chunk.batch.ts[i], chunk.batch.value[i],
                            chunk.batch.quality[i], chunk.batch.source_row[i]);
      all.rejections.insert(all.rejections.end(), chunk.rejections.begin(), chunk.rejections.end());
    });
  } catch (const parse_error& e) {
    if (error) *error = e.what();
    return std::nullopt;
  }
  return all;
}

io::json_stream_options sized(std::size_t read_bytes, std::size_t chunk_rows = 1000) {
  io::json_stream_options o;
  o.read_bytes = read_bytes;
  o.chunk_rows = chunk_rows;
  return o;
}

void require_same_outcome(const std::string& text, const io::json_stream_options& options) {
  INFO("document: " << text << "\nread_bytes " << options.read_bytes << ", chunk_rows "
                    << options.chunk_rows);
  const auto w = whole(text);
  std::string error;
  const auto s = streamed(text, options, &error);
  INFO("streamed error: " << error);
  REQUIRE(w.has_value() == s.has_value());
  if (w) REQUIRE(same(*w, *s));
}

}  // namespace

TEST_CASE("a streamed batch equals the whole-document parse at every read and chunk size",
          "[io][json][stream]") {
  for (const auto& doc : documents()) {
    REQUIRE(whole(doc).has_value());
    for (std::size_t read : {1, 2, 3, 5, 8, 13, 64, 4096})
      for (std::size_t chunk : {1, 2, 3, 1000})
        require_same_outcome(doc, sized(read, chunk));
  }
  // The whole-result functions stream too.
  const auto doc = documents()[4];
  std::istringstream in(doc);
  REQUIRE(same(io::read_json_batch(in, "t.json"), *whole(doc)));
}

TEST_CASE("chunks hold at most chunk_rows elements, in array order", "[io][json][stream]") {
  std::string doc = "{\"readings\":[";
  for (int i = 0; i < 10; ++i)
    doc += (i ? "," : "") + (i % 3 == 2 ? std::string("7") : reading(i));
  doc += "]}";
  std::istringstream in(doc);
  std::vector<std::size_t> sizes;
  std::int64_t next = 0;
  io::read_json_batch(in, "t.json", sized(16, 4), [&](io::parsed_readings&& chunk) {
    sizes.push_back(chunk.batch.size() + chunk.rejections.size());
    std::vector<std::int64_t> rows(chunk.batch.source_row);
    for (const auto& r : chunk.rejections)
      rows.push_back(r.source_row);
    std::sort(rows.begin(), rows.end());
    for (auto r : rows)
      REQUIRE(r == next++);
  });
  REQUIRE(sizes == std::vector<std::size_t>{4, 4, 2});
}

TEST_CASE("malformed input fails streamed exactly when it fails whole, at every byte boundary",
          "[io][json][stream]") {
  const std::string doc = documents()[4];
  for (std::size_t read : {1, 7, 64}) {
    const auto options = sized(read, 2);
    for (std::size_t cut = 0; cut < doc.size(); ++cut)
      require_same_outcome(doc.substr(0, cut), options);
    for (std::size_t at = 0; at < doc.size(); ++at)
      for (const char bad : {',', ']', '}', '[', '{', '"', ':', 'x', '\x01', '\\'}) {
        std::string broken = doc;
        broken[at] = bad;
        require_same_outcome(broken, options);
      }
  }
  // Invalid UTF-8 and an invalid escape inside an ignored key, met only by the streamed reader's
  // window parse.
  require_same_outcome("[" + reading(1, ",\"k\":\"\xff\"") + "]", sized(5));
  require_same_outcome("[" + reading(1, ",\"k\":\"\\q\"") + "]", sized(5));
}

TEST_CASE("a streamed malformed document names the source, byte and line", "[io][json][stream]") {
  const std::string doc = "{\"readings\":[\n" + reading(1) + "\n" + reading(2) + "]}";
  for (std::size_t read : {1, 4096}) {
    std::string error;
    REQUIRE_FALSE(streamed(doc, sized(read), &error));
    REQUIRE_THAT(error, Catch::Contains("t.json") && Catch::Contains("line 3") &&
                            Catch::Contains("after readings[0]"));
  }
  // A broken element: the byte offset points inside it, on its line.
  const std::string bad = "{\"readings\":[\n" + reading(1) + ",\n{\"sensor_id\" 1}]}";
  std::string error;
  REQUIRE_FALSE(streamed(bad, sized(3), &error));
  REQUIRE_THAT(error, Catch::Contains("line 3"));
}

TEST_CASE("an element longer than max_element_bytes is refused without being held",
          "[io][json][stream][limits]") {
  io::json_stream_options o = sized(4096);
  o.max_element_bytes = 256;
  std::string error;
  const std::string big =
      "[" + reading(1) + "," + reading(2, ",\"pad\":\"" + std::string(300, 'x') + "\"") + "]";
  REQUIRE_FALSE(streamed(big, o, &error));
  REQUIRE_THAT(error, Catch::Contains("readings[1]") && Catch::Contains("max_element_bytes"));
  // An ignored top-level value has the same limit.
  REQUIRE_FALSE(
      streamed("{\"meta\":\"" + std::string(300, 'x') + "\",\"readings\":[]}", o, &error));
  REQUIRE_THAT(error, Catch::Contains("ignored top-level value"));
  // Within the limit the same element is read.
  o.max_element_bytes = 1024;
  REQUIRE(streamed(big, o)->batch.size() == 2);
}

namespace {

/// A JSON batch of `elements` readings generated on the fly (never held in memory), with an
/// ignored member before the array.
class generated_batch : public std::streambuf {
 public:
  explicit generated_batch(std::size_t elements) : left_(elements) {}

 private:
  int_type underflow() override {
    if (done_) return traits_type::eof();
    block_.clear();
    if (!started_) {
      block_ = R"({"source":{"meter":"gen","tags":["a","b"]},"readings":[)";
      started_ = true;
    }
    for (int k = 0; k < 1000 && left_ > 0; ++k, --left_, ++i_) {
      block_ += i_ ? ",\n" : "\n";
      block_ += fmt::format(
          R"({{"sensor_id":"{}","timestamp":"{}","value_kwh":{}.{:03},"quality_flag":0,"note":"generated row"}})",
          id_a, format_utc(from_epoch(1'700'000'000 + static_cast<std::int64_t>(i_) * 60)),
          i_ % 977, i_ % 1000);
    }
    if (left_ == 0) {
      block_ += "\n]}\n";
      done_ = true;
    }
    bytes_ += block_.size();
    setg(block_.data(), block_.data(), block_.data() + block_.size());
    return traits_type::to_int_type(block_[0]);
  }

 public:
  std::size_t bytes_ = 0;

 private:
  std::size_t left_, i_ = 0;
  bool started_ = false, done_ = false;
  std::string block_;
};

/// Resident set size now, from /proc/self/statm (Linux), in bytes.
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

}  // namespace

TEST_CASE("streaming a 200 MB JSON batch keeps memory bounded by the chunk, not the input",
          "[io][json][stream][limits]") {
  constexpr std::size_t elements = 1'500'000;  // about 200 MB
  generated_batch source(elements);
  std::istream in(&source);
  const std::size_t before = resident_bytes();
  std::size_t peak = before, rows = 0, chunks = 0;
  std::int64_t last_row = -1;
  io::read_json_batch(in, "generated.json", io::json_stream_options{},
                      [&](io::parsed_readings&& chunk) {
                        ++chunks;
                        rows += chunk.batch.size();
                        REQUIRE(chunk.rejections.empty());
                        REQUIRE(chunk.batch.source_row.front() == last_row + 1);
                        last_row = chunk.batch.source_row.back();
                        peak = std::max(peak, resident_bytes());
                      });
  peak = std::max(peak, resident_bytes());
  INFO("input " << source.bytes_ / 1'000'000 << " MB, resident growth "
                << (peak - before) / 1'000'000 << " MB");
  REQUIRE(source.bytes_ > 200'000'000);
  REQUIRE(rows == elements);
  REQUIRE(chunks == 15);
  // One chunk of 100,000 rows is about 4 MB, plus 2 MiB of text and simdjson's buffers: the
  // whole document would need the input's 200 MB.
  REQUIRE(peak - before < 48'000'000);
}

TEST_CASE("the shared sample meter files, as JSON batches, stream as they parse whole",
          "[io][json][stream]") {
  const std::filesystem::path dir = std::filesystem::path(ENERGY_TEST_DATA_DIR) / "eemeter";
  if (!std::filesystem::exists(dir)) {
    WARN("skipped: " << dir.string() << " not found (set ENERGY_DATA_DIR to ../shared/data)");
    return;
  }
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".csv") continue;
    io::csv_options csv;
    csv.sensor_id = uuid::parse(id_a);
    io::parsed_readings from_csv;
    try {
      from_csv = io::read_csv_readings_file(entry.path(), csv);
    } catch (const parse_error&) {
      continue;  // a file without a timestamp/value header
    }
    std::string doc = "{\"file\":\"" + entry.path().filename().string() + "\",\"readings\":[";
    io::parsed_readings finite;  // JSON has no NaN: the CSV's non-finite values stay out
    for (std::size_t i = 0; i < from_csv.batch.size(); ++i)
      if (std::isfinite(from_csv.batch.value[i]))
        finite.batch.push_back(from_csv.batch.sensor_id[i], from_csv.batch.ts[i],
                               from_csv.batch.value[i]);
    from_csv = std::move(finite);
    for (std::size_t i = 0; i < from_csv.batch.size(); ++i)
      doc += fmt::format("{}{{\"sensor_id\":\"{}\",\"timestamp\":\"{}\",\"value\":{}}}\n",
                         i ? "," : "", id_a, format_utc(from_epoch(from_csv.batch.ts[i])),
                         from_csv.batch.value[i]);
    doc += "]}";
    INFO(entry.path().string());
    const auto w = whole(doc);
    REQUIRE(w);
    REQUIRE(w->batch.value == from_csv.batch.value);
    REQUIRE(w->batch.ts == from_csv.batch.ts);
    for (std::size_t read : {7, 4096, 1 << 20})
      REQUIRE(same(*streamed(doc, sized(read, 5000)), *w));
    // And through a file, as `energy import` reads it.
    const auto path = std::filesystem::temp_directory_path() /
                      ("energy-stream-" + entry.path().stem().string() + ".json");
    std::ofstream(path, std::ios::binary) << doc;
    const auto from_file = io::read_json_batch_file(path);
    std::filesystem::remove(path);
    REQUIRE(same(from_file, *w));
    ++files;
  }
  REQUIRE(files > 0);
}
