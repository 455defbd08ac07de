// SPDX-License-Identifier: Apache-2.0
// The poll scheduler: slots aligned to the UTC clock, endpoints handed to a fixed set of worker
// threads, per-meter health, and delivery of each endpoint's samples to the sink.
#include <energy/transport/modbus_poller.hpp>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "modbus_connection.hpp"
#include "core/enum_table.hpp"

namespace energy::modbus {

namespace {
constexpr auto meter_health_names = energy::detail::make_enum_table<meter_health>(
    "meter_health", {{meter_health::unknown, "unknown"},
                     {meter_health::ok, "ok"},
                     {meter_health::failing, "failing"},
                     {meter_health::offline, "offline"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(meter_health) noexcept {
  return meter_health_names;
}
std::string_view to_string(meter_health h) noexcept {
  return meter_health_names.name(h);
}

namespace {

using steady = std::chrono::steady_clock;

struct endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::vector<std::size_t> meters;
  std::unique_ptr<detail::connection> conn;  // used only by the worker that set `busy`
  bool busy = false;                         // guarded by impl::mu
};

struct job {
  std::size_t endpoint = 0;
  epoch_seconds slot = 0;
  steady::time_point deadline;
};

struct slot_progress {
  std::size_t outstanding = 0;
  steady::time_point started;
};

/// A bound register resolved against the meter's map.
struct bound {
  const register_spec* reg;
  uuid sensor;
};

}  // namespace

struct poller::impl {
  std::vector<meter> meters;
  std::vector<std::vector<bound>> bindings;  // per meter
  poller_options opt;
  sample_sink sink;
  std::vector<endpoint> endpoints;

  mutable std::mutex mu;  // queues, endpoint.busy, progress, stopping
  std::condition_variable work_cv, done_cv, stop_cv;
  std::deque<job> healthy_queue, offline_queue;
  std::map<epoch_seconds, slot_progress> progress;
  bool stopping = false;
  std::vector<std::thread> workers;
  std::thread scheduler;

  mutable std::mutex status_mu;  // statuses and stats
  std::vector<meter_status> statuses;
  poller_stats counters;

  std::mutex sink_mu;

  impl(std::vector<meter> given, poller_options o, sample_sink target)
      : meters(std::move(given)), opt(o), sink(std::move(target)) {
    if (opt.interval < std::chrono::seconds{1})
      throw std::invalid_argument("modbus poller: interval must be at least 1 s");
    if (opt.threads == 0 || opt.threads > 1024)
      throw std::invalid_argument("modbus poller: threads must be 1..1024");
    if (opt.response_timeout < std::chrono::milliseconds{1} || opt.retries < 0 ||
        opt.retries > 10 || opt.offline_after < 1 || opt.retry_backoff.count() < 0)
      throw std::invalid_argument(
          "modbus poller: response_timeout >= 1 ms, retries 0..10, offline_after >= 1 and a "
          "non-negative retry_backoff are required");
    if (!sink) throw std::invalid_argument("modbus poller: no sink given");
    std::set<std::string> names;
    std::map<std::pair<std::string, std::uint16_t>, std::size_t> by_endpoint;
    for (std::size_t i = 0; i < meters.size(); ++i) {
      const auto& m = meters[i];
      const std::string where = "meter '" + m.name + "'";
      if (m.name.empty()) throw std::invalid_argument("modbus poller: a meter has no name");
      if (!names.insert(m.name).second)
        throw std::invalid_argument("modbus poller: two meters are named '" + m.name + "'");
      if (!m.map) throw std::invalid_argument(where + " has no register map");
      if (m.host.empty()) throw std::invalid_argument(where + " has no host");
      if (m.unit_id < 0 || m.unit_id > 255)
        throw std::invalid_argument(where + ": unit id must be 0..255");
      std::vector<bound> b;
      for (const auto& s : m.sensors) {
        const auto* reg = m.map->find(s.register_name);
        if (reg == nullptr)
          throw std::invalid_argument(where + ": its map '" + m.map->name + "' has no register '" +
                                      s.register_name + "'");
        b.push_back({reg, s.sensor_id});
      }
      bindings.push_back(std::move(b));
      const auto key = std::make_pair(m.host, m.port);
      auto [it, fresh] = by_endpoint.emplace(key, endpoints.size());
      if (fresh) endpoints.push_back(endpoint{.host = m.host, .port = m.port});
      endpoints[it->second].meters.push_back(i);
      statuses.push_back(meter_status{.name = m.name});
    }
    for (auto& e : endpoints)
      e.conn = std::make_unique<detail::connection>(e.host, e.port, opt.response_timeout);
    counters.threads = 0;
  }

  ~impl() { stop(); }

  void start_workers() {
    if (!workers.empty()) return;
    const std::size_t n = std::min(opt.threads, std::max<std::size_t>(endpoints.size(), 1));
    for (std::size_t i = 0; i < n; ++i)
      workers.emplace_back([this] { work(); });
    std::lock_guard lock(status_mu);
    counters.threads = workers.size() + (scheduler.joinable() ? 1 : 0);
  }

  void start() {
    {
      std::lock_guard lock(mu);
      if (stopping) throw std::logic_error("modbus poller: start() after stop()");
    }
    start_workers();
    if (scheduler.joinable()) return;
    scheduler = std::thread([this] { schedule(); });
    std::lock_guard lock(status_mu);
    counters.threads = workers.size() + 1;
  }

  void stop() {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    work_cv.notify_all();
    stop_cv.notify_all();
    done_cv.notify_all();
    if (scheduler.joinable()) scheduler.join();
    for (auto& w : workers)
      w.join();
    workers.clear();
  }

  bool meter_offline(std::size_t m) const {
    std::lock_guard lock(status_mu);
    return statuses[m].health == meter_health::offline;
  }

  /// Queues every idle endpoint for `slot`; returns whether any was queued.
  bool queue_slot(epoch_seconds slot, steady::time_point deadline) {
    std::size_t overruns = 0, queued = 0;
    {
      std::lock_guard lock(mu);
      if (stopping) return false;
      auto& p = progress[slot];
      p.started = steady::now();
      for (std::size_t e = 0; e < endpoints.size(); ++e) {
        auto& ep = endpoints[e];
        if (ep.busy) {
          ++overruns;
          continue;
        }
        ep.busy = true;
        const bool all_offline = std::all_of(ep.meters.begin(), ep.meters.end(),
                                             [&](std::size_t m) { return meter_offline(m); });
        (all_offline ? offline_queue : healthy_queue).push_back({e, slot, deadline});
        ++p.outstanding;
        ++queued;
      }
      if (p.outstanding == 0) progress.erase(slot);
    }
    {
      std::lock_guard lock(status_mu);
      ++counters.slots;
      counters.endpoint_overruns += overruns;
    }
    work_cv.notify_all();
    return queued > 0;
  }

  void schedule() {
    using namespace std::chrono;
    const auto interval = opt.interval;
    const auto now0 = floor<seconds>(system_clock::now());
    auto next = sys_seconds{(now0.time_since_epoch() / interval + 1) * interval};
    std::unique_lock lock(mu);
    while (!stopping) {
      if (stop_cv.wait_until(lock, next, [this] { return stopping; })) break;
      const auto late = floor<seconds>(system_clock::now()) - next;
      if (late >= interval) {  // suspended or starved: skip to the current slot
        const auto missed = late / interval;
        next += missed * interval;
        std::lock_guard s(status_mu);
        counters.slots_missed += static_cast<std::uint64_t>(missed);
      }
      const auto deadline =
          steady::now() + duration_cast<steady::duration>(next + interval - system_clock::now());
      lock.unlock();
      queue_slot(next.time_since_epoch().count(), deadline);
      lock.lock();
      next += interval;
    }
  }

  void poll_once(epoch_seconds slot) {
    start_workers();
    if (!queue_slot(slot, steady::now() + opt.interval)) return;
    std::unique_lock lock(mu);
    done_cv.wait(lock, [&] { return stopping || !progress.contains(slot); });
  }

  void work() {
    std::unique_lock lock(mu);
    for (;;) {
      work_cv.wait(lock,
                   [this] { return stopping || !healthy_queue.empty() || !offline_queue.empty(); });
      if (stopping) return;
      auto& q = healthy_queue.empty() ? offline_queue : healthy_queue;
      const job j = q.front();
      q.pop_front();
      lock.unlock();
      auto samples = poll_endpoint(j);
      deliver(samples);
      lock.lock();
      endpoints[j.endpoint].busy = false;
      auto it = progress.find(j.slot);
      if (it != progress.end() && --it->second.outstanding == 0) {
        const auto took = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() -
                                                                                it->second.started);
        progress.erase(it);
        std::lock_guard s(status_mu);
        counters.last_slot_duration = took;
        done_cv.notify_all();
      }
    }
  }

  void deliver(const std::vector<sample>& samples) {
    if (samples.empty()) return;
    std::lock_guard lock(sink_mu);
    try {
      sink(samples);
      std::lock_guard s(status_mu);
      counters.samples += samples.size();
      for (const auto& x : samples)
        ++statuses[x.meter_index].samples;
    } catch (const std::exception& e) {
      std::lock_guard s(status_mu);
      ++counters.sink_errors;
      counters.last_sink_error = e.what();
    } catch (...) {
      std::lock_guard s(status_mu);
      ++counters.sink_errors;
      counters.last_sink_error = "unknown exception from the sink";
    }
  }

  /// Sleeps `d` unless stopping; false when stopping.
  bool pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mu);
    return !stop_cv.wait_for(lock, d, [this] { return stopping; });
  }

  bool is_stopping() {
    std::lock_guard lock(mu);
    return stopping;
  }

  detail::read_result read_register(endpoint& ep, const meter& m, const register_spec& reg,
                                    int attempts, steady::time_point deadline,
                                    std::uint16_t* words) {
    detail::read_result r;
    auto backoff = opt.retry_backoff;
    for (int attempt = 0; attempt < attempts; ++attempt) {
      if (attempt > 0) {
        if (steady::now() + backoff + opt.response_timeout > deadline) break;
        if (!pause(backoff)) break;
        backoff *= 2;
      }
      r = ep.conn->read(m.unit_id, reg.function, reg.address,
                        static_cast<int>(register_count(reg.type)), words);
      {
        std::lock_guard s(status_mu);
        if (r.kind != detail::failure::connect) ++counters.requests;
        if (r.kind == detail::failure::timeout) ++counters.timeouts;
        if (r.kind == detail::failure::exception) ++counters.exceptions;
      }
      // A Modbus exception is the device's considered answer: asking again changes nothing.
      if (r.kind == detail::failure::none || r.kind == detail::failure::exception) break;
    }
    return r;
  }

  void record(std::size_t m, epoch_seconds slot, const std::string& error) {
    std::lock_guard lock(status_mu);
    auto& st = statuses[m];
    if (error.empty()) {
      st.health = meter_health::ok;
      st.last_success = slot;
      st.consecutive_failures = 0;
      ++st.polls_ok;
      ++counters.polls_ok;
    } else {
      ++st.consecutive_failures;
      st.health = st.consecutive_failures >= static_cast<std::uint32_t>(opt.offline_after)
                      ? meter_health::offline
                      : meter_health::failing;
      st.last_error = error;
      ++st.polls_failed;
      ++counters.polls_failed;
    }
  }

  std::vector<sample> poll_endpoint(const job& j) {
    auto& ep = endpoints[j.endpoint];
    // Live meters first, so a dead unit behind a gateway only delays itself.
    std::vector<std::size_t> order = ep.meters;
    std::stable_partition(order.begin(), order.end(),
                          [&](std::size_t m) { return !meter_offline(m); });
    std::vector<sample> out;
    std::string endpoint_down;
    for (const std::size_t mi : order) {
      const auto& m = meters[mi];
      if (is_stopping()) break;
      if (!endpoint_down.empty()) {
        record(mi, j.slot, endpoint_down);
        continue;
      }
      if (steady::now() >= j.deadline) {
        record(mi, j.slot,
               "not polled in its slot: earlier meters on " + ep.host + ":" +
                   std::to_string(ep.port) + " used the time up");
        continue;
      }
      const int attempts = meter_offline(mi) ? 1 : 1 + opt.retries;
      std::string error;
      for (const auto& b : bindings[mi]) {
        std::array<std::uint16_t, 4> words{};
        const auto r = read_register(ep, m, *b.reg, attempts, j.deadline, words.data());
        const std::string what = "register '" + b.reg->name + "' (" +
                                 std::string(to_string(b.reg->function)) + " " +
                                 std::to_string(b.reg->address) + "): ";
        if (r.kind == detail::failure::connect) {
          error = r.error;
          endpoint_down = r.error;  // the other meters of this endpoint cannot answer either
          break;
        }
        if (r.kind != detail::failure::none) {
          if (error.empty()) error = what + r.error;
          if (r.kind == detail::failure::exception) continue;  // other registers may answer
          break;  // timeout / I/O: the meter is not answering now
        }
        const auto v =
            decode_register(std::span(words.data(), register_count(b.reg->type)), *b.reg);
        if (!v.value) {
          if (error.empty()) error = what + v.error;
          continue;
        }
        out.push_back(sample{.sensor_id = b.sensor,
                             .ts = j.slot,
                             .value = *v.value,
                             .reg = b.reg,
                             .meter_index = mi});
      }
      record(mi, j.slot, error);
    }
    return out;
  }
};

poller::poller(std::vector<meter> meters, poller_options options, sample_sink sink)
    : impl_(std::make_unique<impl>(std::move(meters), options, std::move(sink))) {}

poller::~poller() = default;

void poller::start() {
  impl_->start();
}
void poller::stop() {
  impl_->stop();
}
void poller::poll_once(epoch_seconds slot) {
  impl_->poll_once(slot);
}

std::vector<meter_status> poller::status() const {
  std::lock_guard lock(impl_->status_mu);
  return impl_->statuses;
}

poller_stats poller::stats() const {
  std::lock_guard lock(impl_->status_mu);
  return impl_->counters;
}

const std::vector<meter>& poller::meters() const noexcept {
  return impl_->meters;
}

}  // namespace energy::modbus

template struct energy::detail::enum_names<energy::modbus::meter_health>;
