// SPDX-License-Identifier: Apache-2.0
// The retention port of energy::sqlite: the reading chunks of a UTC day (chunks never cross
// midnight UTC) are deleted in one transaction.
#include <energy/storage/sqlite_retention.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/sqlite/reading_chunk.hpp"
#include "adapters/sqlite/sqlite_rows.hpp"

namespace energy::storage {
namespace {

[[noreturn]] void fail(const SQLite::Exception& e, const char* what) {
  const int primary = e.getErrorCode() & 0xff;
  throw storage_error(std::string("sqlite retention ") + what + ": " + e.what(),
                      primary == SQLITE_BUSY || primary == SQLITE_LOCKED);
}

class file_lock final : public retention_port::lock {
 public:
  explicit file_lock(int fd) : fd_(fd) {}
  ~file_lock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;

 private:
  int fd_;
};

class sqlite_retention final : public retention_port {
 public:
  explicit sqlite_retention(const std::filesystem::path& path) try
      : path_(path), db_(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, 5000) {
    if (!db_.tableExists("energy_reading_chunks"))
      throw storage_error(
          "sqlite retention: " + path.string() + " has no energy schema (open it as a store first)",
          false);
  } catch (const SQLite::Exception& e) {
    fail(e, ("open " + path.string()).c_str());
  }

  std::unique_ptr<lock> try_lock() override {
    const auto lock_path = path_.string() + ".retention-lock";
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw storage_error(
          "sqlite retention: cannot open " + lock_path + ": " + std::strerror(errno), false);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return nullptr;
    }
    return std::make_unique<file_lock>(fd);
  }

  std::vector<time_range> days_before(utc_seconds cutoff) override {
    std::vector<time_range> out;
    try {
      // Floor division: days before 1970 are negative.
      SQLite::Statement st(
          db_,
          "SELECT DISTINCT (span_start - (((span_start % 86400) + 86400) % 86400)) "
          "FROM energy_reading_chunks WHERE span_start < ?1 ORDER BY 1");
      st.bind(1, static_cast<std::int64_t>(to_epoch(cutoff)));
      while (st.executeStep()) {
        const auto start = from_epoch(st.getColumn(0).getInt64());
        if (start + std::chrono::hours{24} <= cutoff)
          out.push_back({start, start + std::chrono::hours{24}});
      }
    } catch (const SQLite::Exception& e) {
      fail(e, "list days");
    }
    return out;
  }

  std::vector<uuid> buildings_in_day(time_range day) override {
    std::vector<uuid> out;
    try {
      SQLite::Statement st(
          db_,
          "SELECT s.building_id, c.sensor_id, c.span_start, c.span_end, c.readings, c.data "
          "FROM sensors s JOIN energy_reading_chunks c ON c.sensor_id = s.id "
          "WHERE c.span_start >= ?1 AND c.span_start < ?2 AND c.span_end > ?3 "
          "ORDER BY s.building_id");
      bind_day(st, day);
      // A chunk that overlaps the day at its edge counts only if it holds a reading in the day.
      while (st.executeStep()) {
        const uuid building = uuid_of(st.getColumn(0));
        if (!out.empty() && out.back() == building) continue;
        bool any = false;
        for_each_reading(st, 1, day,
                         [&](const uuid&, const sqlite_detail::chunk_reading&) { any = true; });
        if (any) out.push_back(building);
      }
    } catch (const SQLite::Exception& e) {
      fail(e, "buildings of day");
    }
    return out;
  }

  reading_rows read_day(time_range day, const uuid& building_id) override {
    reading_rows out;
    try {
      SQLite::Statement st(
          db_,
          "SELECT c.sensor_id, c.span_start, c.span_end, c.readings, c.data FROM sensors s "
          "JOIN energy_reading_chunks c ON c.sensor_id = s.id WHERE s.building_id = ?4 "
          "AND c.span_start >= ?1 AND c.span_start < ?2 AND c.span_end > ?3 "
          "ORDER BY c.sensor_id, c.span_start");
      bind_day(st, day);
      st.bind(4, building_id.bytes().data(), 16);
      while (st.executeStep())
        for_each_reading(st, 0, day,
                         [&](const uuid& sensor, const sqlite_detail::chunk_reading& r) {
                           out.push_back(sensor, r.ts, r.value, r.flags);
                         });
    } catch (const SQLite::Exception& e) {
      fail(e, "read day");
    }
    return out;
  }

  /// Binds ?1 (the first chunk start that can hold a reading of `day`: chunks start on or after
  /// their UTC day), ?2 (the day's end) and ?3 (its start) of a chunk query.
  static void bind_day(SQLite::Statement& st, time_range day) {
    const std::int64_t start = to_epoch(day.start);
    st.bind(1, static_cast<std::int64_t>(sqlite_detail::span_floor(start, 86400)));
    st.bind(2, static_cast<std::int64_t>(to_epoch(day.end)));
    st.bind(3, start);
  }

  /// Calls f(sensor, reading) for each reading in `day` of the chunk in the current row, whose
  /// columns from `first` are sensor_id, span_start, span_end, readings, data.
  /// @throws storage_error for a chunk that does not decode.
  template <class F>
  void for_each_reading(SQLite::Statement& st, int first, time_range day, F&& f) {
    const uuid sensor = uuid_of(st.getColumn(first));
    const std::int64_t span_start = st.getColumn(first + 1).getInt64();
    const SQLite::Column data = st.getColumn(first + 4);
    decoded_.clear();
    const std::string_view why =
        sqlite_detail::decode_chunk({static_cast<const std::uint8_t*>(data.getBlob()),
                                     static_cast<std::size_t>(data.getBytes())},
                                    span_start, st.getColumn(first + 2).getInt64(),
                                    st.getColumn(first + 3).getInt64(), decoded_);
    if (!why.empty())
      throw storage_error("sqlite retention: the energy_reading_chunks row of sensor " +
                              sensor.to_string() + " at span_start " + std::to_string(span_start) +
                              " is damaged: " + std::string(why),
                          false);
    const std::int64_t from = to_epoch(day.start), to = to_epoch(day.end);
    for (const sqlite_detail::chunk_reading& r : decoded_)
      if (r.ts >= from && r.ts < to) f(sensor, r);
  }

  /// A 16-byte uuid BLOB column. @throws storage_error for any other size.
  static uuid uuid_of(const SQLite::Column& blob) {
    if (blob.getBytes() != 16)
      throw storage_error("sqlite retention: a stored id is not 16 bytes", false);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), blob.getBlob(), 16);
    return uuid{bytes};
  }

  std::int64_t pending_dirty_hours(time_range day) override {
    try {
      // Marks are one row per (UTC day, sensor) with a mask of hours: count the set bits whose
      // hour starts in the range.
      const std::int64_t from = to_epoch(day.start), to = to_epoch(day.end);
      SQLite::Statement st(db_, "SELECT day, hours FROM dirty_days WHERE day >= ?1 AND day < ?2");
      st.bind(1, static_cast<std::int64_t>(sqlite_detail::utc_day(from)));
      st.bind(2, static_cast<std::int64_t>(to));
      std::int64_t n = 0;
      while (st.executeStep())
        sqlite_detail::for_each_hour(st.getColumn(0).getInt64(), st.getColumn(1).getInt64(),
                                     [&](epoch_seconds h) { n += h >= from && h < to ? 1 : 0; });
      return n;
    } catch (const SQLite::Exception& e) {
      fail(e, "count dirty hours");
    }
  }

  bool drop_day(time_range day, const day_fingerprint& expected) override {
    const std::int64_t start = to_epoch(day.start);
    if (sqlite_detail::span_floor(start, 86400) != start || to_epoch(day.end) != start + 86400)
      throw std::invalid_argument("sqlite retention: drop_day takes one whole UTC day");
    try {
      // BEGIN IMMEDIATE takes the write lock first: no writer can slip in between the checks and
      // the delete (a deferred transaction would also risk a lock upgrade that fails as busy).
      db_.exec("BEGIN IMMEDIATE");
      try {
        // The fingerprint of what the day holds now (value % modulus truncates, as the job's).
        day_fingerprint found;
        SQLite::Statement now(db_,
                              "SELECT sensor_id, span_start, span_end, readings, data "
                              "FROM energy_reading_chunks WHERE span_start >= ?1 "
                              "AND span_start < ?2 AND span_end > ?3");
        bind_day(now, day);
        while (now.executeStep())
          for_each_reading(now, 0, day, [&](const uuid&, const sqlite_detail::chunk_reading& r) {
            ++found.rows;
            found.value_mod_sum += r.value % day_fingerprint::modulus;
            found.quality_sum += r.flags;
          });
        const bool unchanged = found == expected && pending_dirty_hours(day) == 0;
        if (unchanged) {
          SQLite::Statement st(
              db_, "DELETE FROM energy_reading_chunks WHERE span_start >= ?1 AND span_start < ?2");
          st.bind(1, static_cast<std::int64_t>(to_epoch(day.start)));
          st.bind(2, static_cast<std::int64_t>(to_epoch(day.end)));
          st.exec();
        }
        db_.exec(unchanged ? "COMMIT" : "ROLLBACK");
        return unchanged;
      } catch (...) {
        db_.exec("ROLLBACK");
        throw;
      }
    } catch (const SQLite::Exception& e) {
      fail(e, "delete day");
    }
  }

  std::int64_t delete_summaries_before(utc_seconds cutoff) override {
    try {
      SQLite::Statement st(db_, "DELETE FROM summaries WHERE period_start < ?1");
      st.bind(1, static_cast<std::int64_t>(to_epoch(cutoff)));
      return st.exec();
    } catch (const SQLite::Exception& e) {
      fail(e, "delete summaries");
    }
  }

 private:
  std::filesystem::path path_;
  SQLite::Database db_;
  std::vector<sqlite_detail::chunk_reading> decoded_;  // for_each_reading()'s buffer
};

}  // namespace

std::unique_ptr<retention_port> open_sqlite_retention(const std::filesystem::path& path) {
  return std::make_unique<sqlite_retention>(path);
}

}  // namespace energy::storage
