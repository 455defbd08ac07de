// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/aggregator.hpp>

#include "core/aggregate/int_math.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>

namespace energy::aggregate {
namespace {

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t quarter = 900;

using detail::floor_div;

/// Accumulator of one (subject, local hour bucket).
struct hour_acc {
  epoch_seconds start = 0;
  epoch_seconds end = 0;
  std::int64_t first_quarter = 0;  ///< floor(start / 900): the quarter-hour of demand[0]
  milli energy = 0;
  std::int64_t count = 0;
  /// Demand per UTC quarter-hour (index from the quarter containing `start`), milli-units per hour.
  /// Five slots: an hour that starts off a quarter boundary (historic LMT offsets) touches five.
  std::array<milli, 5> demand{};
  std::uint8_t touched = 0;
  std::uint32_t subject = 0;
};

/// Open-addressing map (subject, bucket start) -> accumulator index. Linear probing, power-of-two
/// capacity, never shrinks; a hash lookup per new bucket, not per reading (see sensor_slot cache).
class bucket_index {
 public:
  bucket_index() { rehash(1024); }

  /// The accumulator index stored for the key; stores and returns `value_if_new` when it is absent.
  std::uint32_t find_or_insert(std::uint32_t subject, epoch_seconds start,
                               std::uint32_t value_if_new) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t i = hash(subject, start) & mask_;
    while (true) {
      slot& s = slots_[i];
      if (s.value == none) {
        s = slot{start, subject, value_if_new};
        ++size_;
        return value_if_new;
      }
      if (s.subject == subject && s.start == start) return s.value;
      i = (i + 1) & mask_;
    }
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return slots_.capacity() * sizeof(slot);
  }

 private:
  struct slot {
    epoch_seconds start = 0;
    std::uint32_t subject = 0;
    std::uint32_t value = none;
  };
  static std::size_t hash(std::uint32_t subject, epoch_seconds start) noexcept {
    const std::uint64_t x = static_cast<std::uint64_t>(start) * 0x9E3779B97F4A7C15ULL ^
                            (static_cast<std::uint64_t>(subject) * 0xC2B2AE3D27D4EB4FULL);
    return static_cast<std::size_t>(x ^ (x >> 29));
  }
  void rehash(std::size_t capacity) {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(capacity, slot{});
    mask_ = capacity - 1;
    size_ = 0;
    for (const slot& s : old)
      if (s.value != none) (void)find_or_insert(s.subject, s.start, s.value);
  }
  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

/// Open-addressing map uuid -> sensor index, compared as two 64-bit words: the per-reading lookup
/// (std::unordered_map with a byte-wise compare costs about twice as much per reading).
class uuid_index {
 public:
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n)
      cap *= 2;
    slots_.assign(cap, slot{});
    mask_ = cap - 1;
  }
  /// false when the id is already present.
  bool insert(const uuid& id, std::uint32_t value) {
    const auto [hi, lo] = words(id);
    for (std::size_t i = hash(hi, lo) & mask_;; i = (i + 1) & mask_) {
      slot& s = slots_[i];
      if (s.value == none) {
        s = slot{hi, lo, value};
        return true;
      }
      if (s.hi == hi && s.lo == lo) return false;
    }
  }
  [[nodiscard]] std::uint32_t find(std::uint64_t hi, std::uint64_t lo) const noexcept {
    for (std::size_t i = hash(hi, lo) & mask_;; i = (i + 1) & mask_) {
      const slot& s = slots_[i];
      if (s.value == none || (s.hi == hi && s.lo == lo)) return s.value;
    }
  }
  static std::pair<std::uint64_t, std::uint64_t> words(const uuid& id) noexcept {
    std::uint64_t hi = 0, lo = 0;
    std::memcpy(&hi, id.bytes().data(), 8);
    std::memcpy(&lo, id.bytes().data() + 8, 8);
    return {hi, lo};
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return slots_.capacity() * sizeof(slot);
  }

 private:
  struct slot {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    std::uint32_t value = none;
  };
  static std::size_t hash(std::uint64_t hi, std::uint64_t lo) noexcept {
    const std::uint64_t x = (lo ^ (hi * 0x9E3779B97F4A7C15ULL)) * 0xC2B2AE3D27D4EB4FULL;
    return static_cast<std::size_t>(x ^ (x >> 32));
  }
  std::vector<slot> slots_;
  std::size_t mask_ = 0;
};

struct subject_info {
  summary_scope scope;
  uuid id;
  sensor_type type;
  std::uint32_t building;
};

/// Per-sensor metadata, read when a sensor enters a new hour or its id is looked up.
struct sensor_slot {
  std::uint64_t id_hi = 0;
  std::uint64_t id_lo = 0;
  /// The sensor whose row followed this one's last time: batches written one timestamp at a time
  /// list the sensors in the same order again and again, so this guess spares the hash probe.
  std::uint32_t successor = none;
  std::uint32_t building = 0;
  std::uint32_t sensor_subject = none;
  std::uint32_t building_subject = none;
  std::int64_t interval = 900;
  bool aggregated = true;
};

/// What every reading reads, one per sensor in an array of its own: 32 bytes, so that a thousand
/// sensors interleaved row by row stay in the L1 cache (the whole slot did not).
struct sensor_cursor {
  epoch_seconds cur_start = 0;
  epoch_seconds cur_end = 0;  // empty range: the first reading always misses
  std::uint32_t cur_sensor_acc = none;
  std::uint32_t cur_building_acc = none;
  std::int32_t interval = 900;  ///< checked to fit when the aggregator is built
  bool aggregated = true;
};
static_assert(sizeof(sensor_cursor) == 32);

[[gnu::always_inline]] inline void accumulate(hour_acc& a, std::int64_t interval, epoch_seconds ts,
                                              milli value) noexcept {
  a.energy += value;
  ++a.count;
  const std::int64_t q0 = a.first_quarter;
  if (interval <= quarter) {
    // Finer than 15 minutes: the quarter-hour's energy × 4 is its average rate per hour.
    const auto q = static_cast<std::size_t>(floor_div(ts, quarter) - q0);
    a.demand[q] += value * (3600 / quarter);
    a.touched = static_cast<std::uint8_t>(a.touched | (1u << q));
    return;
  }
  // Coarser: its average rate holds in every quarter-hour it covers inside this bucket.
  const milli rate = detail::mul_div_round(value, 3600, interval);
  const epoch_seconds last = std::min(ts + interval, a.end) - 1;
  for (std::int64_t q = floor_div(ts, quarter); q <= floor_div(last, quarter); ++q) {
    const auto i = static_cast<std::size_t>(q - q0);
    a.demand[i] += rate;
    a.touched = static_cast<std::uint8_t>(a.touched | (1u << i));
  }
}

milli peak_of(const hour_acc& a) noexcept {
  milli peak = std::numeric_limits<milli>::min();
  for (std::size_t i = 0; i < a.demand.size(); ++i)
    if ((a.touched >> i) & 1u) peak = std::max(peak, a.demand[i]);
  return a.touched == 0 ? 0 : peak;
}

auto key_of(const summary_row& r) noexcept {
  return std::tie(r.scope, r.subject_id, r.type, r.res, r.period.start);
}

}  // namespace

bool summary_key_less(const summary_row& a, const summary_row& b) noexcept {
  return key_of(a) < key_of(b);
}

struct aggregator::impl {
  aggregator_options options;
  flat_rate_cost default_cost;
  std::vector<building> buildings;
  /// mutable: a calendar caches its last offset period; reading it does not change the result.
  mutable std::vector<local_calendar> calendars;
  std::vector<subject_info> subjects;
  std::vector<sensor_slot> sensors;
  std::vector<sensor_cursor> cursors;  ///< parallel to `sensors`
  /// Slot of each sensor by its position in the constructor's span (duplicates share a slot).
  std::vector<std::uint32_t> position_slot;
  uuid_index sensor_index;
  std::vector<hour_acc> accs;
  bucket_index index;
  /// The hour bucket a subject's rows went to last, indexed by subject.
  struct subject_hour {
    epoch_seconds start = 0;
    epoch_seconds end = 0;  // empty range: the first reading always misses
    std::uint32_t acc = none;
  };
  std::vector<subject_hour> current;
  subject_hour no_subject;
  std::int64_t added = 0;
  std::int64_t skipped = 0;
  std::uint32_t last_sensor = none;

  const cost_model& costs() const { return options.costs ? *options.costs : default_cost; }

  std::uint32_t lookup(const uuid& id) {
    const auto [hi, lo] = uuid_index::words(id);
    if (last_sensor == none) return last_sensor = sensor_index.find(hi, lo);
    sensor_slot& last = sensors[last_sensor];
    if (hi == last.id_hi && lo == last.id_lo) return last_sensor;
    const std::uint32_t guess = last.successor;
    if (guess != none && sensors[guess].id_hi == hi && sensors[guess].id_lo == lo)
      return last_sensor = guess;
    const std::uint32_t found = sensor_index.find(hi, lo);
    if (found != none) {
      last.successor = found;
      last_sensor = found;
    }
    return found;
  }

  std::uint32_t acc_for(std::uint32_t subject, epoch_seconds start, epoch_seconds end) {
    const auto next = static_cast<std::uint32_t>(accs.size());
    const std::uint32_t i = index.find_or_insert(subject, start, next);
    if (i == next) {
      hour_acc a;
      a.start = start;
      a.end = end;
      a.first_quarter = floor_div(start, quarter);
      a.subject = subject;
      accs.push_back(a);
    }
    return i;
  }

  /// Hot path, once per reading: the sensor's cached hour bucket almost always holds `ts`.
  [[gnu::always_inline]] void add(std::uint32_t si, epoch_seconds ts, milli value) {
    sensor_cursor& c = cursors[si];
    if (!c.aggregated) {
      ++skipped;
      return;
    }
    if (ts < c.cur_start || ts >= c.cur_end) [[unlikely]]
      enter_hour(si, ts);
    if (c.cur_sensor_acc != none) accumulate(accs[c.cur_sensor_acc], c.interval, ts, value);
    if (c.cur_building_acc != none) accumulate(accs[c.cur_building_acc], c.interval, ts, value);
    ++added;
  }

  /// Points the sensor's cursor at the hour bucket holding `ts` (kept out of line: once per
  /// sensor-hour, and inlining it would bloat the per-reading loop).
  [[gnu::noinline]] void enter_hour(std::uint32_t si, epoch_seconds ts) {
    const sensor_slot& s = sensors[si];
    sensor_cursor& c = cursors[si];
    // The building's other sensors have usually reached this hour already (readings arrive
    // time-major): reuse its bucket instead of a calendar lookup and a hash probe.
    subject_hour& b = s.building_subject != none ? current[s.building_subject] : no_subject;
    if (ts >= b.start && ts < b.end) {
      c.cur_start = b.start;
      c.cur_end = b.end;
    } else {
      calendars[s.building].hour_span(ts, c.cur_start, c.cur_end);
    }
    if (s.sensor_subject != none)
      c.cur_sensor_acc = acc_for(s.sensor_subject, c.cur_start, c.cur_end);
    if (s.building_subject != none) {
      if (b.start != c.cur_start || b.end != c.cur_end)
        b = {c.cur_start, c.cur_end, acc_for(s.building_subject, c.cur_start, c.cur_end)};
      c.cur_building_acc = b.acc;
    }
  }

  summary_row row_of(const hour_acc& a) const {
    const subject_info& sub = subjects[a.subject];
    summary_row r;
    r.scope = sub.scope;
    r.subject_id = sub.id;
    r.type = sub.type;
    r.res = resolution::hour;
    r.period = {from_epoch(a.start), from_epoch(a.end)};
    r.local_start = date::local_seconds{
        std::chrono::seconds{a.start + calendars[sub.building].offset_at(a.start)}};
    r.consumption = a.energy;
    r.peak_demand = peak_of(a);
    r.cost = costs().cost(buildings[sub.building], sub.type, r.period, a.energy);
    r.reading_count = a.count;
    return r;
  }
};

aggregator::aggregator(std::span<const building> buildings, std::span<const sensor> sensors,
                       aggregator_options options)
    : impl_(std::make_unique<impl>()) {
  impl& m = *impl_;
  m.options = options;
  std::unordered_map<uuid, std::uint32_t> building_index;
  for (const building& b : buildings) {
    if (building_index.contains(b.id)) continue;
    building_index.emplace(b.id, static_cast<std::uint32_t>(m.buildings.size()));
    m.buildings.push_back(b);
    m.calendars.emplace_back(find_zone(b.time_zone));
  }
  std::map<std::pair<std::uint32_t, sensor_type>, std::uint32_t> building_subjects;
  m.sensor_index.reserve(sensors.size());
  for (const sensor& s : sensors) {
    const auto bit = building_index.find(s.building_id);
    if (bit == building_index.end())
      throw std::invalid_argument("aggregator: sensor " + s.id.to_string() +
                                  " belongs to building " + s.building_id.to_string() +
                                  ", which was not given");
    if (s.interval_seconds <= 0 || s.interval_seconds > std::numeric_limits<std::int32_t>::max())
      throw std::invalid_argument("aggregator: sensor " + s.id.to_string() +
                                  " has interval_seconds " + std::to_string(s.interval_seconds) +
                                  " (must be > 0 and < 2^31)");
    if (!m.sensor_index.insert(s.id, static_cast<std::uint32_t>(m.sensors.size()))) {
      const auto [hi, lo] = uuid_index::words(s.id);
      m.position_slot.push_back(m.sensor_index.find(hi, lo));
      continue;
    }
    m.position_slot.push_back(static_cast<std::uint32_t>(m.sensors.size()));
    sensor_slot slot;
    std::tie(slot.id_hi, slot.id_lo) = uuid_index::words(s.id);
    slot.building = bit->second;
    slot.interval = s.interval_seconds;
    slot.aggregated =
        s.type != sensor_type::temperature && s.kind != reading_kind::instantaneous_value;
    if (slot.aggregated && options.sensor_scope) {
      slot.sensor_subject = static_cast<std::uint32_t>(m.subjects.size());
      m.subjects.push_back({summary_scope::sensor, s.id, s.type, slot.building});
    }
    if (slot.aggregated && options.building_scope) {
      const auto [it, inserted] = building_subjects.try_emplace(
          {slot.building, s.type}, static_cast<std::uint32_t>(m.subjects.size()));
      if (inserted)
        m.subjects.push_back({summary_scope::building, s.building_id, s.type, slot.building});
      slot.building_subject = it->second;
    }
    m.sensors.push_back(slot);
    m.cursors.push_back(
        {.interval = static_cast<std::int32_t>(slot.interval), .aggregated = slot.aggregated});
  }
  m.current.resize(m.subjects.size());
}

aggregator::~aggregator() = default;
aggregator::aggregator(aggregator&&) noexcept = default;
aggregator& aggregator::operator=(aggregator&&) noexcept = default;

void aggregator::add(const reading_rows& rows) {
  impl& m = *impl_;
  const std::size_t n = rows.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t si = m.lookup(rows.sensor_id[i]);
    if (si == none)
      throw std::invalid_argument("aggregator: row " + std::to_string(i) + " references sensor " +
                                  rows.sensor_id[i].to_string() + ", which was not given");
    m.add(si, rows.ts[i], rows.value[i]);
  }
}

void aggregator::add(const uuid& sensor_id, epoch_seconds ts, milli value) {
  const std::uint32_t si = impl_->lookup(sensor_id);
  if (si == none)
    throw std::invalid_argument("aggregator: sensor " + sensor_id.to_string() + " was not given");
  impl_->add(si, ts, value);
}

void aggregator::add(std::span<const std::uint32_t> sensor_position,
                     std::span<const epoch_seconds> ts, std::span<const milli> value) {
  impl& m = *impl_;
  if (ts.size() != sensor_position.size() || value.size() != sensor_position.size())
    throw std::invalid_argument("aggregator: column lengths differ (sensor_position " +
                                std::to_string(sensor_position.size()) + ", ts " +
                                std::to_string(ts.size()) + ", value " +
                                std::to_string(value.size()) + ")");
  const std::size_t n = sensor_position.size();
  const auto known = m.position_slot.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t p = sensor_position[i];
    if (p >= known)
      throw std::invalid_argument("aggregator: row " + std::to_string(i) + " has sensor position " +
                                  std::to_string(p) + ", but " + std::to_string(known) +
                                  " sensors were given");
    m.add(m.position_slot[p], ts[i], value[i]);
  }
}

void aggregator::merge(const aggregator& other) {
  impl& m = *impl_;
  const impl& o = *other.impl_;
  const auto same_subject = [](const subject_info& a, const subject_info& b) {
    return a.scope == b.scope && a.id == b.id && a.type == b.type && a.building == b.building;
  };
  const auto same_sensor = [](const sensor_slot& a, const sensor_slot& b) {
    return a.id_hi == b.id_hi && a.id_lo == b.id_lo && a.building == b.building &&
           a.interval == b.interval && a.aggregated == b.aggregated;
  };
  if (&m == &o || m.buildings != o.buildings || m.position_slot != o.position_slot ||
      m.sensors.size() != o.sensors.size() ||
      !std::equal(m.sensors.begin(), m.sensors.end(), o.sensors.begin(), same_sensor) ||
      m.subjects.size() != o.subjects.size() ||
      !std::equal(m.subjects.begin(), m.subjects.end(), o.subjects.begin(), same_subject) ||
      m.options.sensor_scope != o.options.sensor_scope ||
      m.options.building_scope != o.options.building_scope || m.options.costs != o.options.costs)
    throw std::invalid_argument(
        "aggregator::merge: the other aggregator was built from different buildings, sensors or "
        "options (or is this one)");
  for (const hour_acc& a : o.accs) {
    hour_acc& into = m.accs[m.acc_for(a.subject, a.start, a.end)];
    into.energy += a.energy;
    into.count += a.count;
    for (std::size_t q = 0; q < a.demand.size(); ++q)
      into.demand[q] += a.demand[q];
    into.touched = static_cast<std::uint8_t>(into.touched | a.touched);
  }
  m.added += o.added;
  m.skipped += o.skipped;
}

std::vector<summary_row> aggregator::hourly() const {
  std::vector<summary_row> out;
  out.reserve(impl_->accs.size());
  for (const hour_acc& a : impl_->accs)
    out.push_back(impl_->row_of(a));
  std::sort(out.begin(), out.end(), summary_key_less);
  return out;
}

aggregation_result aggregator::finish() const {
  aggregation_result result;
  result.hourly = hourly();
  // Roll up per building, in that building's calendar.
  std::vector<std::vector<summary_row>> per_building(impl_->buildings.size());
  std::unordered_map<uuid, std::uint32_t> building_of;
  for (const subject_info& s : impl_->subjects)
    building_of.emplace(s.id, s.building);
  for (const summary_row& r : result.hourly)
    per_building[building_of.at(r.subject_id)].push_back(r);
  for (std::size_t b = 0; b < per_building.size(); ++b) {
    if (per_building[b].empty()) continue;
    auto days = roll_up(per_building[b], resolution::day, impl_->calendars[b]);
    auto months = roll_up(days, resolution::month, impl_->calendars[b]);
    result.daily.insert(result.daily.end(), days.begin(), days.end());
    result.monthly.insert(result.monthly.end(), months.begin(), months.end());
  }
  std::sort(result.daily.begin(), result.daily.end(), summary_key_less);
  std::sort(result.monthly.begin(), result.monthly.end(), summary_key_less);
  return result;
}

std::int64_t aggregator::added() const noexcept {
  return impl_->added;
}
std::int64_t aggregator::skipped() const noexcept {
  return impl_->skipped;
}
std::size_t aggregator::bucket_count() const noexcept {
  return impl_->accs.size();
}

std::size_t aggregator::memory_bytes() const noexcept {
  const impl& m = *impl_;
  return m.accs.capacity() * sizeof(hour_acc) + m.index.memory_bytes() +
         m.sensors.capacity() * sizeof(sensor_slot) + m.cursors.capacity() * sizeof(sensor_cursor) +
         m.subjects.capacity() * sizeof(subject_info) + m.sensor_index.memory_bytes() +
         m.buildings.capacity() * sizeof(building) +
         m.calendars.capacity() * sizeof(local_calendar);
}

std::vector<summary_row> roll_up(std::span<const summary_row> finer, resolution target,
                                 local_calendar& calendar) {
  std::vector<const summary_row*> order;
  order.reserve(finer.size());
  for (const summary_row& r : finer) {
    if (r.res >= target)
      throw std::invalid_argument("roll_up: a " + std::string(to_string(r.res)) +
                                  " summary cannot roll up to " + std::string(to_string(target)));
    order.push_back(&r);
  }
  std::sort(order.begin(), order.end(), [](const summary_row* a, const summary_row* b) {
    return std::tie(a->scope, a->subject_id, a->type, a->period.start) <
           std::tie(b->scope, b->subject_id, b->type, b->period.start);
  });
  std::vector<summary_row> out;
  for (const summary_row* r : order) {
    const bool same_subject = !out.empty() && out.back().scope == r->scope &&
                              out.back().subject_id == r->subject_id && out.back().type == r->type;
    if (!same_subject || !out.back().period.contains(r->period.start)) {
      const bucket b = calendar.bucket_of(target, r->period.start);
      summary_row s;
      s.scope = r->scope;
      s.subject_id = r->subject_id;
      s.type = r->type;
      s.res = target;
      s.period = b.period;
      s.local_start = b.local_start;
      s.peak_demand = r->peak_demand;
      out.push_back(s);
    }
    summary_row& s = out.back();
    s.consumption += r->consumption;
    s.peak_demand = std::max(s.peak_demand, r->peak_demand);
    s.cost += r->cost;
    s.reading_count += r->reading_count;
  }
  return out;
}

}  // namespace energy::aggregate
