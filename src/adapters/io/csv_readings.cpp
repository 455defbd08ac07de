// SPDX-License-Identifier: Apache-2.0
#include <energy/io/csv_readings.hpp>

#include <energy/error.hpp>
#include <energy/quality.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <vector>

namespace energy::io {
namespace {

using ingest::reason;

constexpr std::size_t no_column = SIZE_MAX;

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
           };
           return lower(x) == lower(y);
         });
}

/// Splits one line into fields (RFC 4180 quoting within the line). Quoted fields with doubled
/// quotes are unescaped into `scratch`, whose storage the returned views may point into.
/// `bad_quote` is the first field with text after its closing quote or without one (no_column
/// when none): such a field is never read as its quoted part (`"1"000` is not 1).
void split(std::string_view line, char delim, std::vector<std::string_view>& fields,
           std::deque<std::string>& scratch, std::size_t& bad_quote) {
  fields.clear();
  bad_quote = no_column;
  std::size_t used = 0;
  std::size_t p = 0;
  while (true) {
    if (p < line.size() && line[p] == '"') {
      if (used == scratch.size()) scratch.emplace_back();
      std::string& buf = scratch[used++];
      buf.clear();
      ++p;
      bool closed = false;
      while (p < line.size()) {
        if (line[p] == '"') {
          if (p + 1 < line.size() && line[p + 1] == '"') {
            buf.push_back('"');
            p += 2;
            continue;
          }
          ++p;
          closed = true;
          break;
        }
        buf.push_back(line[p++]);
      }
      const std::size_t after = p;
      while (p < line.size() && line[p] != delim)
        ++p;
      if ((!closed || !trim(line.substr(after, p - after)).empty()) && bad_quote == no_column)
        bad_quote = fields.size();
      fields.emplace_back(buf);
    } else {
      const std::size_t end = std::min(line.find(delim, p), line.size());
      fields.push_back(trim(line.substr(p, end - p)));
      p = end;
    }
    if (p >= line.size()) break;
    ++p;  // the delimiter
    if (p == line.size()) {
      fields.emplace_back();
      break;
    }
  }
}

struct columns {
  std::size_t sensor = no_column, ts = no_column, value = no_column, quality = no_column;
  std::size_t needed = 0;  // fields a row must have
};

std::size_t find_column(const std::vector<std::string_view>& header, std::string_view explicit_name,
                        std::initializer_list<std::string_view> aliases) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (!explicit_name.empty()) {
      if (iequals(header[i], explicit_name)) return i;
      continue;
    }
    for (const auto a : aliases)
      if (iequals(header[i], a)) return i;
  }
  return no_column;
}

columns read_header(const std::vector<std::string_view>& header, const csv_options& opt,
                    std::string_view source) {
  columns c;
  c.sensor = find_column(header, {}, {"sensor_id", "sensor", "meter_id"});
  c.ts = find_column(header, opt.timestamp_column,
                     {"timestamp", "ts", "time", "datetime", "start", "dt"});
  c.value = find_column(header, opt.value_column, {"value", "value_kwh", "kwh", "consumption"});
  c.quality = find_column(header, {}, {"quality_flag", "quality"});
  const auto header_text = [&] {
    std::string s;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (i > 0) s += ',';
      s.append(header[i]);
    }
    return ingest::shown_value(s, 256);
  };
  if (c.ts == no_column)
    throw parse_error(
        fmt::format("{}:1: no timestamp column in header {} (expected {})", source, header_text(),
                    opt.timestamp_column.empty() ? "timestamp, ts, time, datetime, start or dt"
                                                 : "'" + opt.timestamp_column + "'"));
  if (c.value == no_column)
    throw parse_error(fmt::format("{}:1: no value column in header {} (expected {})", source,
                                  header_text(),
                                  opt.value_column.empty() ? "value, value_kwh, kwh or consumption"
                                                           : "'" + opt.value_column + "'"));
  if (c.sensor == no_column && !opt.sensor_id)
    throw parse_error(
        fmt::format("{}:1: header {} has no sensor_id column and no sensor id was given for a "
                    "single-meter file",
                    source, header_text()));
  if (c.sensor != no_column && opt.sensor_id)
    throw parse_error(
        fmt::format("{}:1: header {} has a sensor_id column but a fixed sensor id was also given",
                    source, header_text()));
  c.needed = 1 + std::max({c.ts, c.value, c.sensor == no_column ? 0 : c.sensor});
  return c;
}

bool parse_double(std::string_view s, double& out) noexcept {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

std::string shown(std::string_view s) {
  return ingest::shown_value(s);
}

bool looks_naive(std::string_view ts) noexcept {
  // "YYYY-MM-DD hh:mm:ss" with nothing after the seconds (or a fraction only).
  if (ts.size() < 19) return false;
  const auto tail = ts.substr(19);
  return tail.empty() ||
         (tail.front() == '.' && tail.find_first_of("Zz+-") == std::string_view::npos);
}

/**
 * Lines of a stream, read in 1 MiB blocks and split with memchr: no per-line allocation, copy or
 * clearing (reading line by line through std::istream::getline into a buffer sized for the
 * longest allowed line cost more than everything else the reader does).
 */
class line_reader {
 public:
  line_reader(std::istream& in, std::size_t max_line_bytes)
      : in_(in),
        max_(max_line_bytes),
        buf_(std::max<std::size_t>(std::size_t{1} << 20, 2 * (max_line_bytes + 2))) {}

  /// The next line without its '\n' (a view into the buffer, valid until the next call). A line
  /// longer than max_line_bytes sets `too_long` (its text is not kept: it is skipped to its end).
  /// False at the end of input. @throws parse_error (via the caller's check of bad()) on a read
  /// error.
  bool next(std::string_view& line, bool& too_long) {
    // A complete line: too long when part of it was already skipped or it exceeds the limit.
    const auto complete = [&](const char* start, std::size_t len) {
      too_long = skipping_ || len > max_;
      skipping_ = false;
      line = too_long ? std::string_view{} : std::string_view{start, len};
      return true;
    };
    too_long = false;
    while (true) {
      const std::size_t avail = end_ - pos_;
      const char* start = buf_.data() + pos_;
      if (const void* nl = std::memchr(start, '\n', avail)) {
        const auto len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
        pos_ += len + 1;
        return complete(start, len);
      }
      if (eof_) {
        if (avail == 0 && !skipping_) return false;
        pos_ = end_;
        return complete(start, avail);
      }
      if (avail > max_) {
        skipping_ = true;  // keep nothing of it; look for its end
        pos_ = end_ = 0;
      } else if (pos_ > 0) {
        std::memmove(buf_.data(), start, avail);
        pos_ = 0;
        end_ = avail;
      }
      fill();
    }
  }
  [[nodiscard]] bool bad() const { return in_.bad(); }

 private:
  void fill() {
    in_.read(buf_.data() + end_, static_cast<std::streamsize>(buf_.size() - end_));
    const auto got = static_cast<std::size_t>(in_.gcount());
    end_ += got;
    if (got == 0 || in_.eof() || in_.bad()) eof_ = true;
  }

  std::istream& in_;
  std::size_t max_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
};

class csv_reader {
 public:
  csv_reader(std::string_view source, const csv_options& opt, const csv_chunk_handler& on_chunk)
      : source_(source), opt_(opt), on_chunk_(on_chunk) {
    if (opt_.chunk_rows == 0)
      throw std::invalid_argument("csv_options::chunk_rows must be positive");
  }

  void run(std::istream& in) {
    line_reader lines(in, opt_.max_line_bytes);
    std::string_view line;
    bool have_header = false;
    chunk_.batch.reserve(std::min<std::size_t>(opt_.chunk_rows, std::size_t{1} << 17));
    for (bool too_long = false; lines.next(line, too_long);) {
      ++line_no_;
      if (too_long) {
        if (!have_header)
          throw parse_error(
              fmt::format("{}:1: header line longer than {} bytes", source_, opt_.max_line_bytes));
        reject(reason::line_too_long,
               fmt::format("line longer than {} bytes (not read)", opt_.max_line_bytes));
      } else {
        std::string_view text = line;
        if (line_no_ == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
        if (trim(text).empty()) continue;
        split(text, opt_.delimiter, fields_, scratch_, bad_quote_);
        if (!have_header) {
          cols_ = read_header(fields_, opt_, source_);
          have_header = true;
          continue;
        }
        row();
      }
      if (chunk_.batch.size() >= opt_.chunk_rows || chunk_.rejections.size() >= opt_.chunk_rows)
        flush();
    }
    if (lines.bad()) throw parse_error(fmt::format("{}:{}: read error", source_, line_no_ + 1));
    if (!have_header)
      throw parse_error(fmt::format("{}:1: empty input: expected a header line", source_));
    flush();
  }

 private:
  void reject(reason why, std::string detail) {
    chunk_.rejections.push_back(
        ingest::rejection{-1, line_no_, why, fmt::format("{}:{}: {}", source_, line_no_, detail)});
  }

  void row() {
    for (std::size_t f = 0; f < fields_.size(); ++f)
      if (fields_[f].size() > opt_.max_field_bytes)
        return reject(reason::line_too_long,
                      fmt::format("field {} is {} bytes, longer than {} (not read)", f + 1,
                                  fields_[f].size(), opt_.max_field_bytes));
    if (bad_quote_ != no_column) {
      const std::size_t f = bad_quote_;
      const reason why = f == cols_.sensor    ? reason::malformed_sensor_id
                         : f == cols_.ts      ? reason::malformed_timestamp
                         : f == cols_.quality ? reason::invalid_quality_flag
                                              : reason::malformed_value;
      return reject(why, fmt::format("field {}: a quoted field must end at its closing quote (text "
                                     "after it, or no closing quote)",
                                     f + 1));
    }
    if (fields_.size() < cols_.needed)
      return reject(reason::missing_field,
                    fmt::format("{} fields, expected at least {}", fields_.size(), cols_.needed));
    uuid sensor;
    if (cols_.sensor == no_column) {
      sensor = *opt_.sensor_id;
    } else {
      const auto text = fields_[cols_.sensor];
      if (text.empty()) return reject(reason::missing_field, "column sensor_id is empty");
      const auto id = uuid::try_parse(text);
      if (!id)
        return reject(reason::malformed_sensor_id,
                      fmt::format("column sensor_id: {} is not a canonical UUID", shown(text)));
      sensor = *id;
    }
    const auto ts_text = fields_[cols_.ts];
    if (ts_text.empty()) return reject(reason::missing_field, "column timestamp is empty");
    const auto t = timestamp(ts_text);
    if (!t)
      return reject(
          reason::malformed_timestamp,
          fmt::format(
              "column timestamp: {} is not an RFC 3339 timestamp with a UTC offset{}",
              shown(ts_text),
              looks_naive(ts_text) ? " (it has no offset: naive local times are ambiguous)" : ""));
    const auto value_text = fields_[cols_.value];
    if (value_text.empty()) return reject(reason::missing_field, "column value is empty");
    double v = 0.0;
    if (!parse_double(value_text, v))
      return reject(reason::malformed_value,
                    fmt::format("column value: {} is not a number", shown(value_text)));
    std::uint32_t q = 0;
    if (cols_.quality != no_column && cols_.quality < fields_.size() &&
        !fields_[cols_.quality].empty()) {
      const auto qt = fields_[cols_.quality];
      std::uint64_t parsed = 0;
      const auto [ptr, ec] = std::from_chars(qt.data(), qt.data() + qt.size(), parsed);
      if (ec != std::errc{} || ptr != qt.data() + qt.size() || parsed > quality::known_mask)
        return reject(reason::invalid_quality_flag,
                      fmt::format("column quality_flag: {} is not a flag bitmask within {}",
                                  shown(qt), quality::known_mask));
      q = static_cast<std::uint32_t>(parsed);
    }
    chunk_.batch.push_back(sensor, to_epoch(*t), v, q, line_no_);
  }

  void flush() {
    if (chunk_.batch.empty() && chunk_.rejections.empty()) return;
    on_chunk_(std::move(chunk_));
    // Whatever the handler left here (a moved-from chunk, or storage it hands back for reuse, as
    // summarize_files does: fresh pages per chunk cost more than parsing them) starts empty.
    chunk_.batch.clear();
    chunk_.rejections.clear();
    chunk_.batch.reserve(std::min<std::size_t>(opt_.chunk_rows, std::size_t{1} << 17));
  }

  std::string_view source_;
  const csv_options& opt_;
  const csv_chunk_handler& on_chunk_;
  std::int64_t line_no_ = 0;
  columns cols_;
  std::vector<std::string_view> fields_;
  std::deque<std::string> scratch_;  // deque: views into it stay valid as it grows
  std::size_t bad_quote_ = no_column;
  parsed_readings chunk_;

  /// `parse_utc_timestamp(text)`, remembering the last text parsed: files written one instant at
  /// a time repeat each timestamp for every sensor (5,000 times in a row in the benchmark's), and
  /// parsing was a tenth of `energy summarize`.
  std::optional<utc_seconds> timestamp(std::string_view text) {
    if (text.size() == last_ts_size_ &&
        std::memcmp(text.data(), last_ts_text_.data(), text.size()) == 0)
      return last_ts_;
    const auto t = parse_utc_timestamp(text);
    if (t && text.size() <= last_ts_text_.size()) {
      std::memcpy(last_ts_text_.data(), text.data(), text.size());
      last_ts_size_ = text.size();
      last_ts_ = *t;
    }
    return t;
  }
  std::array<char, 40> last_ts_text_{};
  std::size_t last_ts_size_ = last_ts_text_.size() + 1;  // matches no text at first
  utc_seconds last_ts_{};
};

parsed_readings collect(std::istream& in, std::string_view source, const csv_options& options) {
  parsed_readings all;
  read_csv_readings(in, source, options, [&all](parsed_readings&& chunk) {
    if (all.batch.empty() && all.rejections.empty()) {
      all = std::move(chunk);
      return;
    }
    const auto& b = chunk.batch;
    all.batch.reserve(all.batch.size() + b.size());
    for (std::size_t i = 0; i < b.size(); ++i)
      all.batch.push_back(b.sensor_id[i], b.ts[i], b.value[i], b.quality[i], b.source_row[i]);
    all.rejections.insert(all.rejections.end(), std::make_move_iterator(chunk.rejections.begin()),
                          std::make_move_iterator(chunk.rejections.end()));
  });
  return all;
}

template <class F>
auto with_file(const std::filesystem::path& path, F&& f) {
  if (path == "-") return f(std::cin, std::string("<stdin>"));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw parse_error(fmt::format("{}: cannot open for reading", path.string()));
  return f(in, path.string());
}

}  // namespace

void read_csv_readings(std::istream& in, std::string_view source_name, const csv_options& options,
                       const csv_chunk_handler& on_chunk) {
  csv_reader(source_name, options, on_chunk).run(in);
}

parsed_readings parse_csv_readings(std::string_view text, std::string_view source_name,
                                   const csv_options& options) {
  std::istringstream in{std::string(text)};
  return collect(in, source_name, options);
}

parsed_readings read_csv_readings_file(const std::filesystem::path& path,
                                       const csv_options& options) {
  return with_file(
      path, [&](std::istream& in, const std::string& name) { return collect(in, name, options); });
}

void read_csv_readings_file(const std::filesystem::path& path, const csv_options& options,
                            const csv_chunk_handler& on_chunk) {
  with_file(path, [&](std::istream& in, const std::string& name) {
    read_csv_readings(in, name, options, on_chunk);
  });
}

}  // namespace energy::io
