// SPDX-License-Identifier: Apache-2.0
// The retention port of energy::sqlite: rows of a UTC day are deleted in one transaction.
#include <energy/storage/sqlite_retention.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

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
    if (!db_.tableExists("energy_readings"))
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
      SQLite::Statement st(db_,
                           "SELECT DISTINCT (timestamp - (((timestamp % 86400) + 86400) % 86400)) "
                           "FROM energy_readings "
                           "WHERE timestamp < ?1 ORDER BY 1");
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
          "SELECT DISTINCT s.building_id FROM sensors s WHERE EXISTS (SELECT 1 FROM "
          "energy_readings r WHERE r.sensor_id = s.id AND r.timestamp >= ?1 AND r.timestamp < ?2) "
          "ORDER BY 1");
      st.bind(1, static_cast<std::int64_t>(to_epoch(day.start)));
      st.bind(2, static_cast<std::int64_t>(to_epoch(day.end)));
      while (st.executeStep())
        out.push_back(uuid_of(st.getColumn(0)));
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
          "SELECT r.sensor_id, r.timestamp, r.value, r.quality_flag FROM sensors s "
          "JOIN energy_readings r ON r.sensor_id = s.id WHERE s.building_id = ?3 "
          "AND r.timestamp >= ?1 AND r.timestamp < ?2 ORDER BY r.sensor_id, r.timestamp");
      st.bind(1, static_cast<std::int64_t>(to_epoch(day.start)));
      st.bind(2, static_cast<std::int64_t>(to_epoch(day.end)));
      st.bind(3, building_id.bytes().data(), 16);
      while (st.executeStep()) {
        out.push_back(uuid_of(st.getColumn(0)), st.getColumn(1).getInt64(),
                      st.getColumn(2).getInt64(),
                      static_cast<std::uint32_t>(st.getColumn(3).getInt64()));
      }
    } catch (const SQLite::Exception& e) {
      fail(e, "read day");
    }
    return out;
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
    try {
      // BEGIN IMMEDIATE takes the write lock first: no writer can slip in between the checks and
      // the delete (a deferred transaction would also risk a lock upgrade that fails as busy).
      db_.exec("BEGIN IMMEDIATE");
      try {
        // SQLite's % truncates like C++'s; quality_flag holds the flags as stored.
        SQLite::Statement now(db_, "SELECT count(*), coalesce(sum(value % " +
                                       std::to_string(day_fingerprint::modulus) +
                                       "), 0), coalesce(sum(quality_flag), 0) FROM energy_readings "
                                       "WHERE timestamp >= ?1 AND timestamp < ?2");
        now.bind(1, static_cast<std::int64_t>(to_epoch(day.start)));
        now.bind(2, static_cast<std::int64_t>(to_epoch(day.end)));
        now.executeStep();
        const day_fingerprint found{now.getColumn(0).getInt64(), now.getColumn(1).getInt64(),
                                    now.getColumn(2).getInt64()};
        const bool unchanged = found == expected && pending_dirty_hours(day) == 0;
        if (unchanged) {
          SQLite::Statement st(
              db_, "DELETE FROM energy_readings WHERE timestamp >= ?1 AND timestamp < ?2");
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
};

}  // namespace

std::unique_ptr<retention_port> open_sqlite_retention(const std::filesystem::path& path) {
  return std::make_unique<sqlite_retention>(path);
}

}  // namespace energy::storage
