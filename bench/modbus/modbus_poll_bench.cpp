// SPDX-License-Identifier: Apache-2.0
// 1,000 meters polled every 15 s from one process. A child process runs the simulated meters
// (libmodbus servers on loopback, tests/support/modbus_test_server.hpp: G endpoints serving
// 1000/G unit ids each, every meter an energy register and a power register); this process runs
// the poller and reports per-slot duration, CPU time, peak RSS and threads. Reference in the same
// run: the same 2,000 register reads done by one bare libmodbus client loop, no poller.
//
//   energy_modbus_poll_bench [--meters 1000] [--endpoints 10] [--interval 15] [--slots 4]
//                            [--threads 8]
// ENERGY_BENCH_SMOKE=1 shrinks it to 20 meters, 2 endpoints, 1 s, 2 slots (the CTest smoke run).
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <modbus.h>

#include <energy/transport/modbus_poller.hpp>

#include "support/modbus_test_server.hpp"

namespace {

using energy::testing::modbus_test_server;
using namespace energy::modbus;

struct config {
  int meters = 1000, endpoints = 10, interval = 15, slots = 4;
  std::size_t threads = 8;
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// A field of /proc/self/status ("VmHWM", "VmRSS", "Threads") as a number (kB for sizes).
long proc_status(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0)
      return std::strtol(line.c_str() + key.size() + 1, nullptr, 10);
  return -1;
}

/// Child: serves `endpoints` servers, prints their ports on `fd`, runs until killed.
[[noreturn]] void serve(const config& c, int fd) {
  std::vector<std::unique_ptr<modbus_test_server>> servers;
  const int per = c.meters / c.endpoints;
  std::string ports;
  for (int e = 0; e < c.endpoints; ++e) {
    auto s = std::make_unique<modbus_test_server>(modbus_test_server::behaviour::answer, 32);
    for (int u = 1; u <= per; ++u) {
      s->set_words(u, false, 10, {0, static_cast<std::uint16_t>(u)});
      s->set_words(u, true, 20, modbus_test_server::float_abcd(1000.0f + static_cast<float>(u)));
    }
    ports += std::to_string(s->port()) + "\n";
    servers.push_back(std::move(s));
  }
  if (::write(fd, ports.data(), ports.size()) < 0) std::_Exit(1);
  ::close(fd);
  for (;;)
    ::pause();
}

/// The reference: the same reads by one bare libmodbus client per endpoint, sequentially.
double bare_reads(const config& c, const std::vector<int>& ports) {
  const double cpu0 = cpu_seconds();
  const int per = c.meters / c.endpoints;
  for (const int port : ports) {
    modbus_t* ctx = modbus_new_tcp("127.0.0.1", port);
    if (ctx == nullptr || modbus_connect(ctx) != 0) {
      std::fprintf(stderr, "reference: cannot connect to %d\n", port);
      std::exit(1);
    }
    std::uint16_t w[2];
    for (int u = 1; u <= per; ++u) {
      modbus_set_slave(ctx, u);
      if (modbus_read_registers(ctx, 10, 2, w) != 2 ||
          modbus_read_input_registers(ctx, 20, 2, w) != 2) {
        std::fprintf(stderr, "reference: read failed: %s\n", modbus_strerror(errno));
        std::exit(1);
      }
    }
    modbus_close(ctx);
    modbus_free(ctx);
  }
  return cpu_seconds() - cpu0;
}

}  // namespace

int main(int argc, char** argv) {
  config c;
  if (std::getenv("ENERGY_BENCH_SMOKE") != nullptr) c = {20, 2, 1, 2, 2};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (k == "--meters")
      c.meters = v;
    else if (k == "--endpoints")
      c.endpoints = v;
    else if (k == "--interval")
      c.interval = v;
    else if (k == "--slots")
      c.slots = v;
    else if (k == "--threads")
      c.threads = static_cast<std::size_t>(v);
  }
  if (c.endpoints < 1 || c.meters < c.endpoints || c.meters % c.endpoints != 0 || c.interval < 1 ||
      c.slots < 1 || c.threads < 1) {
    std::fprintf(stderr, "meters must be a multiple of endpoints; all values positive\n");
    return 2;
  }
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return 1;
  const pid_t child = ::fork();  // before any thread of this process exists
  if (child == 0) {
    ::close(pipe_fds[0]);
    serve(c, pipe_fds[1]);
  }
  ::close(pipe_fds[1]);
  std::vector<int> ports;
  {
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;)
      text.append(buf, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    for (std::size_t pos = 0, nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1)
      ports.push_back(std::stoi(text.substr(pos, nl - pos)));
  }
  if (static_cast<int>(ports.size()) != c.endpoints) {
    std::fprintf(stderr, "the meter simulator did not start\n");
    ::kill(child, SIGKILL);
    return 1;
  }

  const double reference_cold = bare_reads(c, ports);

  auto map = std::make_shared<const register_map>(parse_register_map(
      "energy-modbus-map 1\n"
      "register energy function=holding address=10 type=uint32 unit=Wh kind=cumulative_register\n"
      "register power function=input address=20 type=float32 unit=W kind=instantaneous_power\n",
      "bench.map"));
  std::vector<meter> meters;
  const int per = c.meters / c.endpoints;
  for (int e = 0; e < c.endpoints; ++e)
    for (int u = 1; u <= per; ++u)
      meters.push_back(
          meter{.name = "m" + std::to_string(e) + "-" + std::to_string(u),
                .host = "127.0.0.1",
                .port = static_cast<std::uint16_t>(ports[static_cast<std::size_t>(e)]),
                .unit_id = u,
                .map = map,
                .sensors = {{"energy", energy::uuid::v7()}, {"power", energy::uuid::v7()}}});
  std::atomic<std::uint64_t> samples{0};
  poller p(std::move(meters), {.interval = std::chrono::seconds{c.interval}, .threads = c.threads},
           [&](std::span<const sample> s) { samples += s.size(); });
  const long rss_before = proc_status("VmRSS");
  const double cpu0 = cpu_seconds();
  p.start();
  std::printf("meters %d on %d endpoints (%d unit ids each), interval %d s, %zu workers\n",
              c.meters, c.endpoints, per, c.interval, c.threads);
  std::printf("slot  duration_ms  samples  threads  rss_kB\n");
  std::uint64_t seen_slots = 0, max_threads = 0;
  double worst_ms = 0, sum_ms = 0;
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::seconds{c.interval * (c.slots + 3)};
  while (std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
    const auto st = p.stats();
    const auto completed = st.polls_ok + st.polls_failed;
    if (completed < static_cast<std::uint64_t>(c.meters) * (seen_slots + 1)) continue;
    ++seen_slots;
    const double ms = static_cast<double>(st.last_slot_duration.count()) / 1000.0;
    worst_ms = std::max(worst_ms, ms);
    sum_ms += ms;
    max_threads =
        std::max<std::uint64_t>(max_threads, static_cast<std::uint64_t>(proc_status("Threads")));
    std::printf("%4llu  %11.1f  %7llu  %7ld  %6ld\n", static_cast<unsigned long long>(seen_slots),
                ms, static_cast<unsigned long long>(samples.load()), proc_status("Threads"),
                proc_status("VmRSS"));
    std::fflush(stdout);
    if (seen_slots == static_cast<std::uint64_t>(c.slots)) break;
  }
  p.stop();
  const double cpu = cpu_seconds() - cpu0;
  const auto st = p.stats();
  // The reference again, warm (libraries paged in, servers' mappings touched): the fairer one.
  const double reference_cpu = std::min(reference_cold, bare_reads(c, ports));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  const bool complete = seen_slots == static_cast<std::uint64_t>(c.slots) && st.polls_failed == 0 &&
                        st.slots_missed == 0 &&
                        samples == 2ULL * static_cast<std::uint64_t>(c.meters) * seen_slots;
  std::printf(
      "slots %llu, slot duration mean %.1f ms, worst %.1f ms (of %d s); polls ok %llu failed %llu; "
      "missed slots %llu\n",
      static_cast<unsigned long long>(seen_slots),
      seen_slots ? sum_ms / static_cast<double>(seen_slots) : 0.0, worst_ms, c.interval,
      static_cast<unsigned long long>(st.polls_ok),
      static_cast<unsigned long long>(st.polls_failed),
      static_cast<unsigned long long>(st.slots_missed));
  const double per_slot = seen_slots ? cpu / static_cast<double>(seen_slots) : 0.0;
  std::printf("poller CPU %.3f s total, %.1f ms per slot (%.3f %% of one core at this interval)\n",
              cpu, per_slot * 1000.0, per_slot / c.interval * 100.0);
  std::printf(
      "reference (bare libmodbus loop, one connection per endpoint, same %d reads): CPU %.1f ms "
      "(cold first run %.1f ms); ratio poller per slot / reference %.2f\n",
      2 * c.meters, reference_cpu * 1000.0, reference_cold * 1000.0,
      reference_cpu > 0 ? per_slot / reference_cpu : 0.0);
  std::printf("threads max %llu (poller %zu); RSS %ld kB before start, peak (VmHWM) %ld kB\n",
              static_cast<unsigned long long>(max_threads), st.threads, rss_before,
              proc_status("VmHWM"));
  std::puts(complete ? "complete" : "INCOMPLETE");
  return complete ? 0 : 1;
}
