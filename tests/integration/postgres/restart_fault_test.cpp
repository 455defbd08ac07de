// SPDX-License-Identifier: Apache-2.0
// Fault test on a PostgreSQL of its own (fixture postgres_restart_server): the server is killed
// (pg_ctl stop -m immediate, a crash as far as clients can tell) and restarted while a writer
// streams batches. Every batch write_readings acknowledged must be stored; every batch it did not
// acknowledge must have been reported to the caller as a storage_error — and, being atomic, be
// stored either completely (commit outcome unknown) or not at all.
#include <catch2/catch.hpp>

#include <energy/storage/postgres.hpp>

#include "pg_test_support.hpp"
#include "support/one_building.hpp"

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

using namespace energy;
using namespace energy::storage;

TEST_CASE(
    "after a server crash and restart mid-stream every acknowledged batch is stored and every "
    "other was reported failed") {
  const auto uri = test::postgres_uri("postgres-restart");
  auto o = test::test_options("restart");
  o.max_attempts = 3;
  o.retry_backoff =
      std::chrono::milliseconds{50};  // 50 + 100 ms of retries: shorter than the outage
  auto s = open_postgres_store(uri, o);
  const uuid sensor_id = energy::testing::put_one_building(*s, 1).sensors.front();

  constexpr int batches = 120;
  constexpr int per_batch = 200;
  enum class outcome { pending, acknowledged, failed };
  std::vector<outcome> outcomes(batches, outcome::pending);
  std::vector<bool> retryable(batches, false);
  std::vector<std::string> messages(batches);
  std::atomic<int> done{0};
  std::thread writer([&] {
    auto w = open_postgres_store(uri, o);
    for (int k = 0; k < batches; ++k) {
      reading_rows rows;
      for (int i = 0; i < per_batch; ++i)
        rows.push_back(sensor_id, 1'719'792'000 + (k * per_batch + i) * 60, k * 1000 + i);
      try {
        const auto r = w->write_readings(rows);
        outcomes[static_cast<std::size_t>(k)] =
            r.inserted + r.unchanged == per_batch ? outcome::acknowledged : outcome::failed;
      } catch (const storage_error& e) {
        outcomes[static_cast<std::size_t>(k)] = outcome::failed;
        retryable[static_cast<std::size_t>(k)] = e.retryable();
        messages[static_cast<std::size_t>(k)] = e.what();
      }
      done = k + 1;
      std::this_thread::sleep_for(std::chrono::milliseconds{15});
    }
  });
  while (done < 20)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  const char* servers = std::getenv("ENERGY_TEST_SERVERS");
  REQUIRE(servers != nullptr);
  const std::string cmd = std::string("PG_STOP_MODE=immediate PG_DOWN_SECONDS=1 bash ") +
                          ENERGY_TEST_SERVERS_SCRIPT + " postgres restart " + servers +
                          "/postgres-restart";
  const int rc = std::system(cmd.c_str());
  writer.join();
  REQUIRE(rc == 0);

  auto check = open_postgres_store(uri, o);
  const auto stored = check->read_readings(sensor_id, {from_epoch(0), from_epoch(2'000'000'000)});
  std::vector<int> per(batches, 0);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const auto k = static_cast<std::size_t>((stored.ts[i] - 1'719'792'000) / 60 / per_batch);
    REQUIRE(k < per.size());
    CHECK(stored.value[i] ==
          static_cast<milli>(k * 1000 + static_cast<std::size_t>((stored.ts[i] - 1'719'792'000) /
                                                                 60 % per_batch)));
    ++per[k];
  }
  int acknowledged = 0, failed = 0;
  for (std::size_t k = 0; k < per.size(); ++k) {
    INFO("batch " << k);
    REQUIRE(outcomes[k] != outcome::pending);
    if (outcomes[k] == outcome::acknowledged) {
      ++acknowledged;
      CHECK(per[k] == per_batch);
    } else {
      ++failed;
      INFO(messages[k]);
      CHECK(retryable[k]);
      CHECK((per[k] == 0 || per[k] == per_batch));  // atomic: all or nothing
    }
  }
  INFO(acknowledged << " acknowledged, " << failed << " failed");
  CHECK(failed > 0);         // the outage outlasted the retries: failures were reported...
  CHECK(acknowledged > 40);  // ...and writing resumed once the server was back
}
