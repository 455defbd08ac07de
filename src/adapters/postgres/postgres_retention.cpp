// SPDX-License-Identifier: Apache-2.0
// The retention port of energy::postgres: whole daily partitions are the unit of archive and drop.
#include "pool.hpp"

#include <energy/storage/postgres.hpp>

#include <algorithm>
#include <cstdio>

namespace energy::storage {
namespace {

std::string partition_name(utc_seconds day_start) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(day_start)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "readings_p%04d%02u%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// readings_pYYYYMMDD -> the day's start; nullopt for other names.
std::optional<utc_seconds> partition_day(const std::string& name) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (name.size() != 18 ||
      std::sscanf(name.c_str(), "readings_p%4d%2u%2u%c", &y, &m, &d, &tail) != 3)
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return utc_seconds{std::chrono::sys_days{ymd}};
}

class postgres_retention final : public retention_port {
 public:
  explicit postgres_retention(std::shared_ptr<postgres_pool> pool) : pool_(std::move(pool)) {
    if (!pool_) throw std::invalid_argument("open_postgres_retention: null pool");
  }

  class session_lock final : public lock {
   public:
    session_lock(postgres_pool::lease l, std::string key)
        : lease_(std::move(l)), key_(std::move(key)) {}
    ~session_lock() override {
      try {
        pqxx::nontransaction n{*lease_};
        n.exec("SELECT pg_advisory_unlock(" + key_ + ")");
      } catch (...) {
        lease_.discard();  // closing the session releases the lock
      }
    }

   private:
    postgres_pool::lease lease_;
    std::string key_;
  };

  std::unique_ptr<lock> try_lock() override {
    for (int attempt = 1;; ++attempt) {
      try {
        auto l = pool_->acquire();
        const std::string key =
            "hashtext(" + l->quote("energy.retention." + pool_->options().schema) + ")";
        bool got = false;
        {
          pqxx::nontransaction n{*l};
          got = n.exec1("SELECT pg_try_advisory_lock(" + key + ")")[0].as<bool>();
        }
        if (!got) return nullptr;
        return std::make_unique<session_lock>(std::move(l), key);
      } catch (const pqxx::broken_connection& e) {
        if (attempt >= pool_->options().max_attempts)
          throw storage_error(
              std::string("postgres retention lock: connection failed: ") + e.what(), true);
      }
    }
  }

  std::vector<time_range> days_before(utc_seconds cutoff) override {
    std::vector<utc_seconds> starts;
    if (pool_->layout() == "native") {
      const auto res = pool_->run("retention: list partitions", [&](pqxx::connection& c) {
        pqxx::read_transaction t{c};
        return t.exec_params(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
            "WHERE p.relname = 'readings' AND n.nspname = $1",
            pool_->options().schema);
      });
      for (const auto& r : res)
        if (auto d = partition_day(r[0].as<std::string>())) starts.push_back(*d);
    } else {
      const auto res = pool_->run("retention: list days", [&](pqxx::connection& c) {
        pqxx::read_transaction t{c};
        return t.exec_params(
            "SELECT DISTINCT floor(extract(epoch FROM ts) / 86400)::bigint FROM readings WHERE ts "
            "< to_timestamp($1)",
            to_epoch(cutoff));
      });
      for (const auto& r : res)
        starts.push_back(from_epoch(r[0].as<std::int64_t>() * 86'400));
    }
    std::sort(starts.begin(), starts.end());
    std::vector<time_range> out;
    for (auto s : starts)
      if (s + std::chrono::hours{24} <= cutoff) out.push_back({s, s + std::chrono::hours{24}});
    return out;
  }

  std::vector<uuid> buildings_in_day(time_range day) override {
    return pool_->run("retention: buildings of day", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      std::vector<uuid> out;
      // Per sensor, "is there a reading that day" is one index probe of the primary key.
      for (const auto& r : t.exec_params(
               "SELECT DISTINCT s.building_id FROM sensors s WHERE EXISTS (SELECT 1 FROM readings "
               "r WHERE r.sensor_id = s.id AND r.ts >= to_timestamp($1) AND r.ts < "
               "to_timestamp($2)) ORDER BY 1",
               to_epoch(day.start), to_epoch(day.end)))
        out.push_back(uuid::parse(r[0].c_str()));
      return out;
    });
  }

  reading_rows read_day(time_range day, const uuid& building_id) override {
    return pool_->run("retention: read day", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      reading_rows out;
      const auto res = t.exec_params(
          "SELECT r.sensor_id, extract(epoch FROM r.ts)::bigint, r.value, r.quality "
          "FROM sensors s JOIN readings r ON r.sensor_id = s.id WHERE s.building_id = $3 "
          "AND r.ts >= to_timestamp($1) AND r.ts < to_timestamp($2) ORDER BY r.sensor_id, r.ts",
          to_epoch(day.start), to_epoch(day.end), building_id.to_string());
      out.reserve(res.size());
      for (const auto& r : res)
        out.push_back(uuid::parse(r[0].c_str()), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
                      static_cast<std::uint32_t>(r[3].as<std::int32_t>()));
      return out;
    });
  }

  std::int64_t pending_dirty_hours(time_range day) override {
    return pool_->run("retention: dirty hours", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      return dirty_hours_in(t, day);
    });
  }

  bool drop_day(time_range day, const day_fingerprint& expected) override {
    const bool dropped = pool_->run("retention: drop day", [&](pqxx::connection& c) {
      pqxx::work w{c};
      // Writers wait from here to the commit, so the count and the dirty marks checked below are
      // what the drop removes. The lock is on the parent table, the first lock a writer takes
      // and the one DROP needs too: taking the partition's first would deadlock with a writer
      // holding the parent. Readers are not blocked until the drop itself.
      w.exec0("LOCK TABLE readings IN SHARE ROW EXCLUSIVE MODE");
      if (pool_->layout() == "native") {
        const std::string part = pool_->quoted_schema() + "." + partition_name(day.start);
        if (w.exec_params1("SELECT to_regclass($1) IS NULL", part)[0].as<bool>()) return true;
        if (fingerprint(w, part, day) != expected || dirty_hours_in(w, day) > 0) return false;
        w.exec0("DROP TABLE " + part);
      } else {
        if (fingerprint(w, "readings", day) != expected || dirty_hours_in(w, day) > 0) return false;
        w.exec_params(
            "SELECT drop_chunks('readings', older_than => to_timestamp($2), newer_than => "
            "to_timestamp($1))",
            to_epoch(day.start), to_epoch(day.end));
      }
      w.commit();
      return true;
    });
    pool_->forget_partitions();
    return dropped;
  }

  std::int64_t delete_summaries_before(utc_seconds cutoff) override {
    return pool_->run("retention: delete summaries", [&](pqxx::connection& c) {
      pqxx::work w{c};
      const auto r = w.exec_params("DELETE FROM summaries WHERE period_start < to_timestamp($1)",
                                   to_epoch(cutoff));
      w.commit();
      return static_cast<std::int64_t>(r.affected_rows());
    });
  }

 private:
  /// The day_fingerprint of `table`'s readings in `day` (SQL's % truncates like C++'s).
  static day_fingerprint fingerprint(pqxx::transaction_base& t, const std::string& table,
                                     time_range day) {
    const auto r = t.exec_params1("SELECT count(*), coalesce(sum(value % " +
                                      std::to_string(day_fingerprint::modulus) +
                                      "), 0), coalesce(sum(quality), 0) FROM " + table +
                                      " WHERE ts >= to_timestamp($1) AND ts < to_timestamp($2)",
                                  to_epoch(day.start), to_epoch(day.end));
    return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>()};
  }

  /// Dirty hours (not yet summarised) of the (sensor, UTC day) mask rows that fall in `day`.
  static std::int64_t dirty_hours_in(pqxx::transaction_base& t, time_range day) {
    return t
        .exec_params1(
            "SELECT coalesce(sum((d.hours >> h) & 1), 0) FROM dirty_days d, "
            "generate_series(0, 23) AS h "
            "WHERE d.day > $1::bigint - 86400 AND d.day < $2::bigint "
            "AND d.day + h * 3600 >= $1::bigint AND d.day + h * 3600 < $2::bigint",
            to_epoch(day.start), to_epoch(day.end))[0]
        .as<std::int64_t>();
  }

  std::shared_ptr<postgres_pool> pool_;
};

}  // namespace

std::unique_ptr<retention_port> open_postgres_retention(std::shared_ptr<postgres_pool> pool) {
  return std::make_unique<postgres_retention>(std::move(pool));
}

}  // namespace energy::storage
