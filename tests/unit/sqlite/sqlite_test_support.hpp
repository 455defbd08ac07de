// SPDX-License-Identifier: Apache-2.0
// Shared by the SQLite adapter's tests: a temporary directory, fixed ids, a one-sensor store.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include <csignal>
#include <functional>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/readings.hpp>
#include <energy/storage/store.hpp>

namespace energy::testing {

constexpr epoch_seconds t0 = 1719792000;  // 2024-07-01T00:00:00Z

/// A fresh directory per test case, removed afterwards.
class temp_dir {
 public:
  temp_dir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("energy-sqlite-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline uuid id(std::uint8_t tag, std::uint8_t n) {
  std::array<std::uint8_t, 16> b{};
  b[0] = tag;
  b[6] = 0x70;
  b[8] = 0x80;
  b[15] = n;
  return uuid{b};
}

/// One tenant, one building, one sensor; returns the sensor id.
inline uuid seed(storage::store& s) {
  const tenant t{id(1, 1), "Acme", from_epoch(t0)};
  building b;
  b.id = id(2, 1);
  b.tenant_id = t.id;
  b.name = "HQ";
  b.time_zone = "America/New_York";
  sensor x;
  x.id = id(3, 1);
  x.building_id = b.id;
  s.put_tenant(t);
  s.put_building(b);
  s.put_sensor(x);
  return x.id;
}

/// A second sensor of seed()'s building, ordered after seed()'s sensor.
inline uuid add_second_sensor(storage::store& s) {
  sensor x = *s.get_sensor(id(3, 1));
  x.id = id(3, 2);
  s.put_sensor(x);
  return x.id;
}

/// Makes every write of `sensor`'s reading chunks fail with "injected failure", from another
/// connection: a failure inside the store's transaction, after the chunks of the sensors ordered
/// before it went in (chunks are written in (sensor, time) order).
inline void refuse_chunks_of(const std::filesystem::path& path, const uuid& sensor) {
  SQLite::Database other(path, SQLite::OPEN_READWRITE);
  SQLite::Statement st(other, "SELECT hex(?1)");
  st.bind(1, sensor.bytes().data(), 16);
  st.executeStep();
  other.exec(
      "CREATE TRIGGER refuse_chunks BEFORE INSERT ON energy_reading_chunks"
      " WHEN NEW.sensor_id = X'" +
      st.getColumn(0).getString() + "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
}

/// Undoes refuse_chunks_of.
inline void allow_chunks(const std::filesystem::path& path) {
  SQLite::Database other(path, SQLite::OPEN_READWRITE);
  other.exec("DROP TRIGGER refuse_chunks");
}

inline reading_rows quarter_hours(const uuid& sensor, epoch_seconds start, int count, milli base) {
  reading_rows rows;
  for (int i = 0; i < count; ++i)
    rows.push_back(sensor, start + 900 * i, base + i);
  return rows;
}

/// What a writer process acknowledged before it was killed.
struct killed_writer {
  std::vector<int> acknowledged;  ///< every int the child wrote, in order
  bool killed = false;            ///< the child died of the signal (not of its own error)
};

/**
 * Forks; the child runs `writer(fd)`, which writes one int to `fd` per durable unit and never
 * returns. After `wanted` acknowledgements the child gets SIGKILL — no destructor, no close: the
 * database is left as a crash leaves it — and the acknowledgements it still sent are collected.
 */
inline killed_writer kill_writer_after(std::size_t wanted,
                                       const std::function<void(int fd)>& writer) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t child = ::fork();
  if (child < 0) return {};
  if (child == 0) {
    ::close(fds[0]);
    try {
      writer(fds[1]);
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  killed_writer out;
  int ack = 0;
  while (out.acknowledged.size() < wanted && ::read(fds[0], &ack, sizeof ack) == sizeof ack)
    out.acknowledged.push_back(ack);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  while (::read(fds[0], &ack, sizeof ack) == sizeof ack)
    out.acknowledged.push_back(ack);
  ::close(fds[0]);
  out.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  return out;
}

}  // namespace energy::testing
