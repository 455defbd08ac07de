// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <energy/time.hpp>
#include <energy/transport/modbus_map.hpp>
#include <energy/uuid.hpp>

/**
 * Modbus TCP meter polling (energy::modbus; libmodbus stays inside the adapter).
 *
 * **Example** (see examples/quickstart/modbus_poll.cpp and docs/transports.md):
 * ```cpp
 * auto meters = energy::modbus::load_meter_list("meters.conf");
 * auto store = energy::storage::open_sqlite_store("energy.db");
 * energy::modbus::poller p(meters, {}, energy::modbus::store_sink(*store));
 * p.start();   // polls every 15 s, aligned to the UTC clock; p.stop() or the destructor ends it
 * ```
 */
namespace energy::modbus {

/// A meter to poll: where it answers, its register map, and which register feeds which sensor.
struct meter {
  std::string name;  ///< unique; names the meter in status and errors
  std::string host;  ///< IPv4/IPv6 address or host name of the meter or its Modbus TCP gateway
  std::uint16_t port = 502;
  int unit_id = 1;  ///< Modbus unit (slave) id, 0..255; meters behind one gateway differ here
  std::shared_ptr<const register_map> map;
  struct binding {
    std::string register_name;  ///< a register of `map`
    uuid sensor_id;             ///< the sensor its readings belong to
  };
  std::vector<binding> sensors;   ///< only bound registers are read
  std::optional<uuid> tenant_id;  ///< owner (the reference server requires it); not used here
  int line = 0;                   ///< line of the meter list that declared it
};

/**
 * Reads a meter list: `energy-modbus-meters 1`, then one `meter` line per meter:
 * `meter NAME host=H [port=502] [unit=1] map=FILE [tenant=UUID] sensor.REGISTER=UUID ...`.
 * `map` paths are relative to the list's folder; each map file is loaded once.
 * @throws energy::parse_error "FILE:LINE: field 'F': why" (maps' errors name the map file).
 */
[[nodiscard]] std::vector<meter> load_meter_list(const std::filesystem::path& file);
/// As load_meter_list, from text; `base_dir` resolves relative map paths.
[[nodiscard]] std::vector<meter> parse_meter_list(std::string_view text,
                                                  std::string_view source_name,
                                                  const std::filesystem::path& base_dir);

/// One decoded register value: a sample of a sensor at a poll slot.
struct sample {
  uuid sensor_id;
  epoch_seconds ts = 0;                ///< UTC poll slot the value was read in (see poller)
  double value = 0.0;                  ///< scaled, in `reg->unit`
  const register_spec* reg = nullptr;  ///< valid as long as the poller's meters
  std::size_t meter_index = 0;         ///< position in the poller's meter list
};

/**
 * Receives the samples of one endpoint's poll (all meters behind one host:port, one slot).
 * Calls are serialised by the poller (never concurrent) but come from its worker threads. An
 * exception is caught, counted in poller_stats::sink_errors and kept as last_sink_error; the
 * samples are then lost (for cumulative registers the next sample's difference still covers
 * the energy).
 */
using sample_sink = std::function<void(std::span<const sample>)>;

struct poller_options {
  std::chrono::seconds interval{15};  ///< slots are multiples of it since the epoch (UTC)
  std::size_t threads = 8;            ///< worker threads (endpoints polled at once)
  std::chrono::milliseconds response_timeout{1000};  ///< per request, also the connect timeout
  int retries = 2;  ///< extra attempts of a failed request within a slot (not for exceptions)
  std::chrono::milliseconds retry_backoff{100};  ///< wait before the first retry, then doubled
  /// After this many consecutive failed slots a meter is `offline`: one attempt per slot, polled
  /// after every healthy endpoint, so dead meters cannot hold up live ones.
  int offline_after = 3;
};

enum class meter_health : std::uint8_t {
  unknown,  ///< not polled yet
  ok,       ///< the last slot read every bound register
  failing,  ///< the last slot failed (timeout, refused, Modbus exception, bad value)
  offline,  ///< `offline_after` or more slots in a row failed
};
[[nodiscard]] std::string_view to_string(meter_health h) noexcept;

struct meter_status {
  std::string name;
  meter_health health = meter_health::unknown;
  std::optional<epoch_seconds> last_success;  ///< slot of the last fully read poll
  std::string last_error;  ///< why the last failed poll failed (kept after recovery)
  std::uint32_t consecutive_failures = 0;
  std::uint64_t polls_ok = 0, polls_failed = 0;
  std::uint64_t samples = 0;  ///< samples delivered to the sink
};

struct poller_stats {
  std::uint64_t slots = 0;              ///< slots started
  std::uint64_t slots_missed = 0;       ///< slots skipped because the scheduler woke too late
  std::uint64_t endpoint_overruns = 0;  ///< endpoint still busy with an earlier slot: skipped
  std::uint64_t polls_ok = 0, polls_failed = 0;  ///< meter polls, all meters
  std::uint64_t requests = 0;                    ///< Modbus read requests sent (retries included)
  std::uint64_t timeouts = 0;                    ///< requests that got no answer in time
  std::uint64_t exceptions = 0;                  ///< requests answered with a Modbus exception
  std::uint64_t samples = 0;
  std::uint64_t sink_errors = 0;
  std::string last_sink_error;
  /// From the slot's start until its last endpoint finished, for the newest completed slot.
  std::chrono::microseconds last_slot_duration{0};
  std::size_t threads = 0;  ///< threads the poller runs (workers + scheduler)
};

/**
 * Polls meters over Modbus TCP. Meters are grouped by endpoint (host:port): an endpoint is one
 * TCP connection, its meters (unit ids) are read one after the other on it, as a serial gateway
 * would anyway; different endpoints are polled in parallel by `threads` workers. Per slot each
 * bound register is read with `response_timeout`, retried with backoff; a poll that fails is
 * a missing sample (a data gap downstream), counted, and kept in the meter's status.
 * An endpoint's work for a slot stops at the next slot's start, so a hung device never makes
 * a sample late or stacks up work. Samples are stamped with the slot (UTC).
 *
 * Memory is bounded: one connection and one sample buffer per endpoint, no queue beyond one
 * entry per endpoint. Thread-safety: status()/stats() may be called from any thread;
 * start/stop/poll_once from one controlling thread.
 */
class poller {
 public:
  /// @throws std::invalid_argument for an empty or duplicate meter name, a meter without a map,
  /// a binding to a register its map lacks, options out of range (interval < 1 s, threads 0).
  poller(std::vector<meter> meters, poller_options options, sample_sink sink);
  ~poller();  ///< stops (see stop())
  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  /// Starts the workers and the scheduler: polls at every slot from the next one on.
  void start();
  /// Stops scheduling; waits for requests in flight (bounded by the timeouts). Idempotent.
  void stop();
  /// Polls every meter once for `slot` (UTC) and returns when all are done and delivered. For
  /// tests, tools and examples; must not be mixed with start().
  void poll_once(epoch_seconds slot);

  [[nodiscard]] std::vector<meter_status> status() const;
  [[nodiscard]] poller_stats stats() const;
  [[nodiscard]] const std::vector<meter>& meters() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace energy::modbus

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::modbus::meter_health>;

ENERGY_API_END
