// SPDX-License-Identifier: Apache-2.0
#include "archive_format.hpp"

#include <energy/archive/retention.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <numeric>

namespace energy::archive {
namespace {

struct manifest_entry {
  utc_seconds start{};
  utc_seconds end{};
  std::int64_t rows = 0;
  std::int64_t csv_bytes = 0;
  std::uint32_t crc = 0;
};
using manifest = std::map<std::string, manifest_entry>;

constexpr std::string_view manifest_header =
    "object_key,range_start,range_end,row_count,csv_bytes,crc32";

std::string manifest_key(const std::string& prefix) {
  return prefix + "manifest.csv";
}

manifest load_manifest(object_store& objects, const std::string& prefix) {
  manifest m;
  const auto key = manifest_key(prefix);
  const auto text = objects.get(key);
  if (!text) return m;
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text->size()) {
    auto end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    const std::string line = text->substr(pos, end - pos);
    pos = end + 1;
    if (++line_no == 1 || line.empty()) continue;
    std::vector<std::string> f;
    std::size_t s = 0;
    for (auto c = line.find(','); c != std::string::npos; c = line.find(',', s)) {
      f.push_back(line.substr(s, c - s));
      s = c + 1;
    }
    f.push_back(line.substr(s));
    const auto where = key + ":" + std::to_string(line_no) + ": ";
    if (f.size() != 6) throw parse_error(where + "expected 6 fields");
    manifest_entry e;
    const auto a = parse_utc_timestamp(f[1]);
    const auto b = parse_utc_timestamp(f[2]);
    if (!a || !b) throw parse_error(where + "bad range timestamps");
    e.start = *a;
    e.end = *b;
    e.rows = std::stoll(f[3]);
    e.csv_bytes = std::stoll(f[4]);
    e.crc = static_cast<std::uint32_t>(std::stoul(f[5], nullptr, 16));
    m[f[0]] = e;
  }
  return m;
}

void save_manifest(object_store& objects, const std::string& prefix, const manifest& m) {
  std::string text(manifest_header);
  text += '\n';
  for (const auto& [key, e] : m) {
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x", e.crc);
    text += key + "," + format_utc(e.start) + "," + format_utc(e.end) + "," +
            std::to_string(e.rows) + "," + std::to_string(e.csv_bytes) + "," + crc + "\n";
  }
  objects.put(manifest_key(prefix), text);
}

// Rows of `archived` and `fresh` by (sensor, ts); a fresh row wins over an archived one.
reading_rows merge(const reading_rows& archived, const reading_rows& fresh) {
  struct ref {
    const reading_rows* src;
    std::size_t i;
  };
  std::vector<ref> all;
  all.reserve(archived.size() + fresh.size());
  for (std::size_t i = 0; i < fresh.size(); ++i)
    all.push_back({&fresh, i});
  for (std::size_t i = 0; i < archived.size(); ++i)
    all.push_back({&archived, i});
  std::stable_sort(all.begin(), all.end(), [](const ref& a, const ref& b) {
    return std::tie(a.src->sensor_id[a.i], a.src->ts[a.i]) <
           std::tie(b.src->sensor_id[b.i], b.src->ts[b.i]);
  });
  reading_rows out;
  out.reserve(all.size());
  for (std::size_t k = 0; k < all.size(); ++k) {
    const auto& r = all[k];
    if (k > 0 && out.sensor_id.back() == r.src->sensor_id[r.i] && out.ts.back() == r.src->ts[r.i])
      continue;
    out.push_back(r.src->sensor_id[r.i], r.src->ts[r.i], r.src->value[r.i], r.src->quality[r.i]);
  }
  return out;
}

std::int64_t count_lines(std::string_view s) {
  return std::count(s.begin(), s.end(), '\n');
}

// Reads an archived object back and checks it against its manifest entry.
std::string fetch_verified(object_store& objects, const std::string& key, const manifest_entry& e) {
  const auto packed = objects.get(key);
  if (!packed) throw storage_error("archive " + key + ": object missing", false);
  const auto plain = detail::gunzip(*packed, key);
  if (detail::crc32_of(plain) != e.crc || count_lines(plain) != e.rows + 1 ||
      static_cast<std::int64_t>(plain.size()) != e.csv_bytes)
    throw storage_error(
        "archive " + key + ": content does not match the manifest (row count or crc32)", false);
  return *packed;
}

}  // namespace

retention_report run_retention(storage::retention_port& db, object_store& objects,
                               const retention_options& options) {
  retention_report report;
  const auto lock = db.try_lock();
  if (!lock) {
    report.lock_busy = true;
    return report;
  }
  const utc_seconds raw_cutoff =
      std::chrono::floor<std::chrono::days>(options.now - options.raw_retention);
  manifest m = load_manifest(objects, options.prefix);
  for (const auto& day : db.days_before(raw_cutoff)) {
    if (db.pending_dirty_hours(day) > 0) {
      report.days_pending.push_back(day);
      continue;
    }
    const std::vector<uuid> buildings = db.buildings_in_day(day);
    if (buildings.empty()) {
      if (db.drop_day(day, storage::day_fingerprint{}))
        ++report.days_dropped_empty;
      else
        report.days_changed.push_back(day);
      continue;
    }
    storage::day_fingerprint read;  // what the database held, before merging earlier archives
    // One object per (day, building): memory is bounded by one building-day, and a data
    // scientist reads one building's day without the others'.
    for (const uuid& building : buildings) {
      reading_rows rows = db.read_day(day, building);
      read.add(rows);
      const std::string key =
          options.prefix + detail::day_name(day.start) + "/" + building.to_string() + ".csv.gz";
      // A building-day archived before (a run interrupted before the drop, or late readings that
      // arrived after it) is merged with what the archive holds, never overwritten with less.
      const auto earlier = m.find(key);
      if (earlier != m.end())
        rows = merge(decode_archive_csv(fetch_verified(objects, key, earlier->second), key), rows);
      const std::string csv = detail::archive_csv(rows);
      const manifest_entry entry{day.start, day.end, static_cast<std::int64_t>(rows.size()),
                                 static_cast<std::int64_t>(csv.size()), detail::crc32_of(csv)};
      objects.put(key, detail::gzip(csv));
      (void)fetch_verified(objects, key, entry);  // verify what the store holds, before the drop
      m[key] = entry;
      // A replaced object must be listed at once: an interruption before the day's manifest
      // write would leave the old entry describing the new object, and no run could verify it.
      // A new object can wait: unlisted, it is simply archived again while the day is online.
      if (earlier != m.end()) save_manifest(objects, options.prefix, m);
      report.rows_archived += static_cast<std::int64_t>(rows.size());
    }
    // Once per day, not per building: the manifest lists every object ever archived.
    save_manifest(objects, options.prefix, m);
    if (!db.drop_day(day, read)) {
      report.days_changed.push_back(day);
      continue;
    }
    ++report.days_archived;
  }
  report.summaries_deleted = db.delete_summaries_before(
      std::chrono::floor<std::chrono::days>(options.now - options.summary_retention));
  return report;
}

std::int64_t restore_range(object_store& objects, storage::store& store, time_range range,
                           const std::string& prefix) {
  const manifest m = load_manifest(objects, prefix);
  std::int64_t written = 0;
  for (const auto& [key, e] : m) {
    if (e.end <= range.start || e.start >= range.end) continue;
    const auto rows = decode_archive_csv(fetch_verified(objects, key, e), key);
    reading_rows batch;
    auto flush = [&] {
      if (batch.empty()) return;
      const auto r = store.write_readings(batch);
      written += static_cast<std::int64_t>(r.inserted + r.unchanged + r.replaced);
      batch.clear();
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!range.contains(from_epoch(rows.ts[i]))) continue;
      batch.push_back(rows.sensor_id[i], rows.ts[i], rows.value[i], rows.quality[i]);
      if (batch.size() >= 50'000) flush();
    }
    flush();
  }
  return written;
}

}  // namespace energy::archive
