// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/aggregator.hpp>

#include "core/aggregate/int_math.hpp"
#include "core/huge_block.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <cstdlib>
#include <new>
#ifdef __linux__
#include <sys/mman.h>
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace energy::aggregate {
namespace {

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
/// The code the column path reads for a sensor position beyond the sensors given (the last
/// entry of `position_code`): like `none`, its quotient is no group's index.
constexpr std::uint32_t unknown_position = none - 1;
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

/// Open-addressing map (sensor group, tile key) -> tile index. Linear probing, power-of-two
/// capacity, never shrinks; a hash lookup per new tile (64 intervals of 8 sensors), not per
/// reading.
class bucket_index {
 public:
  bucket_index() { rehash(1024); }

  /// Room for `n` keys without a rehash (a large batch announces itself: doubling from 1,024
  /// re-inserts every key about once more and touches twice the memory).
  void reserve(std::size_t n) {
    std::size_t capacity = slots_.size();
    while ((n + 1) * 2 > capacity)
      capacity *= 2;
    if (capacity != slots_.size()) rehash(capacity);
  }

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
/// (std::unordered_map with a byte-wise compare costs about twice as much per reading). A slot
/// holds only the index; the words are read from the sensor table the caller passes (anything
/// whose entries have `id_hi` and `id_lo`). Four bytes a slot instead of 24: for 10^4 sensors
/// 128 KiB instead of 768 KiB, memory a fresh process page-faults in on every call (7 µs a page
/// on the benchmark machine; each worker of a threaded Python call builds an index).
class uuid_index {
 public:
  /// Room for `n` entries; `insert` never grows the table.
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n)
      cap *= 2;
    slots_.assign(cap, none);
    mask_ = cap - 1;
  }
  /// The index of the entry of `table` with words (hi, lo); when there is none, stores `value`
  /// (an entry of `table` with those words, or about to be) and returns it.
  template <class Table>
  std::uint32_t insert(const Table& table, std::uint64_t hi, std::uint64_t lo,
                       std::uint32_t value) {
    for (std::size_t i = hash(hi, lo) & mask_;; i = (i + 1) & mask_) {
      std::uint32_t& s = slots_[i];
      if (s == none) return s = value;
      if (table[s].id_hi == hi && table[s].id_lo == lo) return s;
    }
  }
  /// The index of the entry of `table` with words (hi, lo), or `none`.
  template <class Table>
  [[nodiscard]] std::uint32_t find(const Table& table, std::uint64_t hi,
                                   std::uint64_t lo) const noexcept {
    for (std::size_t i = hash(hi, lo) & mask_;; i = (i + 1) & mask_) {
      const std::uint32_t s = slots_[i];
      if (s == none || (table[s].id_hi == hi && table[s].id_lo == lo)) return s;
    }
  }
  static std::pair<std::uint64_t, std::uint64_t> words(const uuid& id) noexcept {
    std::uint64_t hi = 0, lo = 0;
    std::memcpy(&hi, id.bytes().data(), 8);
    std::memcpy(&lo, id.bytes().data() + 8, 8);
    return {hi, lo};
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return slots_.capacity() * sizeof(std::uint32_t);
  }

 private:
  /// Every bit of both words reaches the low bits the table uses: ids that differ only in their
  /// last bytes (sequential ids, "...-000000000001", "...-000000000002") land in the high bits
  /// of `lo`, and a multiply-only hash left them all in one probe run (10^4 sensors took ~10^8
  /// probes to build the index).
  static std::size_t hash(std::uint64_t hi, std::uint64_t lo) noexcept {
    const auto mix = [](std::uint64_t k) {  // MurmurHash3's 64-bit finaliser
      k ^= k >> 33;
      k *= 0xFF51AFD7ED558CCDULL;
      k ^= k >> 33;
      k *= 0xC4CEB9FE1A85EC53ULL;
      k ^= k >> 33;
      return k;
    };
    return static_cast<std::size_t>(mix(hi ^ mix(lo)));
  }
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
};

struct subject_info {
  summary_scope scope;
  uuid id;
  sensor_type type;
  std::uint32_t building;
};

/// Per-sensor metadata, read when a sensor's id is looked up or its readings are folded.
struct sensor_slot {
  std::uint64_t id_hi = 0;
  std::uint64_t id_lo = 0;
  /// The sensor whose row followed this one's last time: batches written one timestamp at a time
  /// list the sensors in the same order again and again, so this guess spares the hash probe.
  std::uint32_t successor = none;
  std::uint32_t building = 0;
  std::uint32_t sensor_subject = none;
  std::uint32_t building_subject = none;
  /// Index of `building_subject` among its building's subjects (dense accumulators in the fold).
  std::uint32_t building_subject_local = none;
  /// Where its readings go: group × lanes + lane (none for sensors that are not aggregated).
  std::uint32_t code = none;
  std::int64_t interval = 900;
  bool aggregated = true;
};

/// Sensors per group: a tile holds one cache line of values (8 × 8 bytes) per interval slot.
constexpr std::uint32_t lanes = 8;
/// Interval slots per tile.
constexpr std::int64_t tile_slots = 64;

/**
 * Up to 8 aggregated sensors of one building with one interval, stored side by side: rows that
 * arrive one timestamp at a time for every sensor (what exports and batch imports write) fill a
 * tile's slot row in order, and rows that arrive one sensor's series at a time walk its lane a
 * cache line per row, both streams a prefetcher follows.
 */
struct sensor_group {
  std::uint32_t building = 0;
  std::int64_t interval = 900;
  std::uint32_t used = 0;                     ///< lanes in use
  std::array<std::uint32_t, lanes> sensor{};  ///< sensor index of each lane
};

/// A grid cell: 0 = empty; odd = the value v stored as 2v + 1 (|v| < 2^30 milli-units: a billion
/// Wh in one interval); `wide_marker` = a value outside that range, kept in `impl::wide`. Four
/// bytes a cell and no presence array: the grid is half the memory, the page zeroing and the
/// bandwidth of eight-byte values and a presence byte, and a slot row's sum is the sum of
/// `cell >> 1` (empty cells add 0) with no mask.
using cell_t = std::int32_t;
constexpr cell_t wide_marker = 2;
constexpr milli narrow_limit = milli{1} << 30;

[[nodiscard]] constexpr bool fits_cell(milli v) noexcept {
  // -2^30 <= v < 2^30 as one shift of an unsigned sum (no 64-bit constant to compare with).
  return (static_cast<std::uint64_t>(v) + static_cast<std::uint64_t>(narrow_limit)) >> 31 == 0;
}
[[nodiscard]] constexpr cell_t encode_cell(milli v) noexcept {
  return static_cast<cell_t>(v * 2 + 1);
}
/// The value of an odd (narrow) cell; 0 for an empty one. Arithmetic shift: (2v + 1) >> 1 = v.
[[nodiscard]] constexpr milli decode_cell(cell_t c) noexcept {
  return static_cast<milli>(c >> 1);
}

/**
 * The last value written for 64 consecutive interval slots of one sensor group: lane l of slot j
 * of tile `key` holds the reading of the group's sensor l at ts = (key × 64 + j) × interval. The
 * dense grid that makes last-write-wins one load and one store, with no per-row hashing. A slot
 * row (8 cells, 32 bytes) sits in one cache line.
 */
struct alignas(64) tile {
  std::array<cell_t, tile_slots * lanes> cells;  ///< [slot][lane], zero when allocated
  std::int64_t key = 0;
  std::uint32_t group = 0;
  /// Some cell holds (or held) `wide_marker`: the fold takes this tile cell by cell.
  bool has_wide = false;

  /// Slot row j's lanes that hold a value, as bits (bit l = lane l).
  [[nodiscard]] std::uint32_t row_mask(std::size_t j) const noexcept {
    std::uint32_t mask = 0;
    for (std::uint32_t l = 0; l < lanes; ++l)
      mask |= static_cast<std::uint32_t>(cells[j * lanes + l] != 0) << l;
    return mask;
  }
};

// Tile blocks are huge blocks (core/huge_block.hpp).
using energy::detail::huge_block;
using energy::detail::map_huge_block;

/**
 * Huge blocks that finished aggregations gave back, for the next ones in the process (at most
 * `limit` bytes; the rest is unmapped). A fresh 2 MiB mapping costs a page fault and the kernel's
 * zeroing, and on a virtual machine often a fault of the host too: 10^7 readings fill 23 blocks,
 * and repeated aggregations spent 4.1 ms of system time each on them (docs/benchmarks.md, issue
 * #18 of 2026-12-04). A reused block is already mapped; its tiles are cleared one by one as they
 * are handed out (2 KiB written just before the readings land in them). Thread-safe: aggregators
 * on several threads take and give blocks.
 */
class huge_block_cache {
 public:
  static constexpr std::size_t limit = std::size_t{64} << 20;

  static huge_block_cache& instance() {
    // Never destroyed: an aggregator destroyed during static destruction may still give back.
    static auto* cache = new huge_block_cache;
    return *cache;
  }
  /// A mapped block that was used before (its bytes are not zero), or nullptr.
  void* take() noexcept {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return nullptr;
    void* p = free_.back();
    free_.pop_back();
    return p;
  }
  /// Keeps `p` (a 2 MiB mapping from `map_huge_block`) for later, or unmaps it when the cache is
  /// full.
  void give(void* p) noexcept {
    {
      std::lock_guard lock(mutex_);
      if (free_.size() < limit / huge_block) {
        try {
          free_.push_back(p);
          return;
        } catch (...) {  // no memory for the list: unmap instead
        }
      }
    }
#ifdef __linux__
    energy::detail::unmap_huge_block(p);
#endif
  }

 private:
  std::mutex mutex_;
  std::vector<void*> free_;
};

/**
 * Tiles in blocks that never move (cursors point at tiles), handed out empty. Blocks double
 * from 16 tiles up to 2 MiB; those are mapped from the kernel (zero pages: no memset), 2 MiB-
 * aligned and offered as transparent huge pages, because on a virtual machine a 4 KiB page fault
 * per 2 KiB tile costs more than writing the tile: 10^7 readings take about 20 huge-page faults
 * instead of 10,000 small ones. Released 2 MiB blocks go to `huge_block_cache`, and a block
 * taken from there has its tiles cleared as they are handed out.
 */
class tile_arena {
 public:
  tile_arena() = default;
  tile_arena(tile_arena&&) noexcept = default;
  tile_arena& operator=(tile_arena&&) noexcept = default;
  tile_arena(const tile_arena&) = delete;
  tile_arena& operator=(const tile_arena&) = delete;
  ~tile_arena() = default;

  /// A tile with every cell empty.
  /// `cleared` false: the caller writes every cell itself (its cells may hold old values).
  tile* allocate(bool cleared = true) {
    if (used_ == block_tiles_) grow();
    // A fresh block's bytes are zero (new mapping, or memset in `grow`): the cells are empty
    // without writing them. A reused block's are cleared here, tile by tile.
    tile* t = blocks_.back().get() + used_++;
    if (clear_tiles_ && cleared) std::memset(t->cells.data(), 0, sizeof(t->cells));
    t->key = 0;
    t->group = 0;
    t->has_wide = false;
    return t;
  }
  /// `tiles` more tiles are coming: when they would fill a 2 MiB block, the next block is one
  /// (the small heap blocks a growing arena starts with would only be zeroed and outgrown).
  void expect(std::size_t tiles) noexcept {
    if (tiles >= huge_block / sizeof(tile)) next_block_huge_ = true;
  }
  /// Takes `other`'s blocks (tiles handed over by pointer stay valid); `other` is left empty.
  void adopt(tile_arena&& other) {
    // Before the block being filled, which stays last.
    blocks_.insert(blocks_.begin(), std::make_move_iterator(other.blocks_.begin()),
                   std::make_move_iterator(other.blocks_.end()));
    bytes_ += other.bytes_;
    other = tile_arena{};
  }
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return bytes_; }

 private:
  struct release {
    std::size_t bytes = 0;
    bool mapped = false;
    void operator()(tile* p) const noexcept {
      if (mapped) {
        huge_block_cache::instance().give(p);
        return;
      }
      std::free(p);
    }
  };
  using block = std::unique_ptr<tile, release>;

  void grow() {
    const std::size_t largest = huge_block / sizeof(tile);
    block_tiles_ = next_block_huge_    ? largest
                   : block_tiles_ == 0 ? 16
                                       : std::min(block_tiles_ * 2, largest);
    const bool huge = block_tiles_ == largest;
    if (huge) {
      void* reused = huge_block_cache::instance().take();
      tile* p = static_cast<tile*>(reused != nullptr ? reused : map_huge_block());
      if (p != nullptr) {
        blocks_.emplace_back(p, release{huge_block, true});
        bytes_ += huge_block;
        used_ = 0;
        clear_tiles_ = reused != nullptr;
        return;
      }
    }
    const std::size_t bytes = block_tiles_ * sizeof(tile);
    void* p = std::aligned_alloc(alignof(tile), bytes);
    if (p == nullptr) throw std::bad_alloc();
    std::memset(p, 0, bytes);
    blocks_.emplace_back(static_cast<tile*>(p), release{bytes, false});
    bytes_ += bytes;
    used_ = 0;
    clear_tiles_ = false;
  }
  std::vector<block> blocks_;
  std::size_t used_ = 0;
  std::size_t block_tiles_ = 0;  ///< capacity of the block being filled (the last one)
  std::size_t bytes_ = 0;
  bool next_block_huge_ = false;  ///< set by `expect`
  bool clear_tiles_ = false;      ///< the block being filled was used before
};

/// What every reading reads, one per group in an array of its own: the tile that holds the group's
/// last reading and what it takes to find the slot without a division.
struct group_cursor {
  epoch_seconds tile_start = 0;
  epoch_seconds tile_end = 0;  // empty range: the first reading always misses
  double inverse_interval = 1.0 / 900;
  tile* current = nullptr;
  std::int64_t interval = 900;
  /// The slot row after the last one found, in the same tile (null when there is none): time-
  /// major rows come back to the group at the next interval, and take it without a search.
  cell_t* next_row = nullptr;
  epoch_seconds next_ts = 0;         ///< the ts of `next_row`
  std::int64_t rows_after_next = 0;  ///< slot rows of the tile after `next_row`
};

/// A reading kept outside the grid: its ts is not a multiple of its sensor's interval (off-grid
/// meters), or its value does not fit a cell (wide). Both are rare.
struct reading_key {
  std::uint32_t sensor = 0;
  epoch_seconds ts = 0;
  friend bool operator==(const reading_key&, const reading_key&) = default;
};
struct reading_key_hash {
  std::size_t operator()(const reading_key& k) const noexcept {
    const std::uint64_t x = static_cast<std::uint64_t>(k.ts) * 0x9E3779B97F4A7C15ULL ^
                            (static_cast<std::uint64_t>(k.sensor) * 0xC2B2AE3D27D4EB4FULL);
    return static_cast<std::size_t>(x ^ (x >> 29));
  }
};

/// Sensors coarser than this are folded reading by reading (daily register reads and the like):
/// the dense fold's bucket table spans a window plus one tile, 64 intervals.
constexpr std::int64_t dense_interval_max = 3600;
/// UTC span of one dense-fold window: its bucket table and accumulators stay small (about 1,100
/// hour buckets per building subject), whatever the range of the data.
constexpr std::int64_t window_seconds = 1024 * 3600;
/// Below this many tiles (about 10^6 readings) a second fold thread costs more than it saves.
constexpr std::size_t parallel_fold_tiles = 2048;

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

/// Adds `b` (same subject and bucket) into `a`: sums, and quarter-hour demand before any maximum.
void combine(hour_acc& a, const hour_acc& b) noexcept {
  a.energy += b.energy;
  a.count += b.count;
  for (std::size_t q = 0; q < a.demand.size(); ++q)
    a.demand[q] += b.demand[q];
  a.touched = static_cast<std::uint8_t>(a.touched | b.touched);
}

hour_acc empty_acc(std::uint32_t subject, epoch_seconds start, epoch_seconds end) noexcept {
  hour_acc a;
  a.start = start;
  a.end = end;
  a.first_quarter = floor_div(start, quarter);
  a.subject = subject;
  return a;
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

/// The local hour buckets of one zone over [lo, hi), lo a multiple of 900, and the bucket holding
/// the start of each UTC quarter-hour: a reading's bucket is one table load (plus a step when a
/// bucket boundary falls inside a quarter-hour, as with historic LMT offsets).
struct bucket_table {
  epoch_seconds lo = 0;
  std::int64_t lo_quarter = 0;  ///< lo / 900
  std::vector<epoch_seconds> starts;
  std::vector<epoch_seconds> ends;
  std::vector<std::uint32_t> of_quarter;
  /// Every bucket starts and ends on a UTC quarter-hour (all zones today; not historic LMT
  /// offsets): a quarter-hour then lies in exactly one bucket.
  bool quarter_aligned = true;

  void build(local_calendar& cal, epoch_seconds from, epoch_seconds to) {
    lo_quarter = floor_div(from, quarter);
    lo = lo_quarter * quarter;
    starts.clear();
    ends.clear();
    of_quarter.clear();
    epoch_seconds s = 0, e = 0;
    cal.hour_span(lo, s, e);
    starts.push_back(s);
    ends.push_back(e);
    for (epoch_seconds t = lo; t < to; t += quarter) {
      while (ends.back() <= t) {
        cal.hour_span(ends.back(), s, e);
        starts.push_back(s);
        ends.push_back(e);
      }
      of_quarter.push_back(static_cast<std::uint32_t>(starts.size() - 1));
    }
    while (ends.back() < to) {
      cal.hour_span(ends.back(), s, e);
      starts.push_back(s);
      ends.push_back(e);
    }
    const auto on_quarter = [](epoch_seconds t) { return floor_div(t, quarter) * quarter == t; };
    quarter_aligned = std::all_of(starts.begin(), starts.end(), on_quarter) &&
                      std::all_of(ends.begin(), ends.end(), on_quarter);
  }
  [[nodiscard]] std::size_t size() const noexcept { return starts.size(); }
  /// The quarter-hour of `ts` from `lo` (lo <= ts): unsigned, so dividing is a multiplication.
  [[nodiscard]] std::uint64_t quarter_of(epoch_seconds ts) const noexcept {
    return static_cast<std::uint64_t>(ts - lo) / static_cast<std::uint64_t>(quarter);
  }
  /// The bucket holding `ts`, lo <= ts < the table's end.
  [[nodiscard]] std::uint32_t find(epoch_seconds ts) const noexcept {
    std::uint32_t b = of_quarter[quarter_of(ts)];
    while (ends[b] <= ts)
      ++b;
    return b;
  }
};

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
  /// `subjects` indices in summary key order (set once, by the constructor).
  std::vector<std::uint32_t> subject_key_order;
  std::vector<sensor_slot> sensors;
  /// Slot of each sensor by its position in the constructor's span (duplicates share a slot).
  std::vector<std::uint32_t> position_slot;
  /// `sensors[position_slot[p]].code` by position, then `unknown_position`: the column path's
  /// one load per row, at min(position, number of positions).
  std::vector<std::uint32_t> position_code;
  uuid_index sensor_index;
  /// Groups of each building, and each building's subjects (one per aggregated sensor type).
  std::vector<std::vector<std::uint32_t>> building_groups;
  std::vector<std::vector<std::uint32_t>> building_subject_list;
  std::vector<sensor_group> groups;
  std::vector<group_cursor> cursors;  ///< parallel to `groups`

  /// The grid: last values per (group, 64 interval slots), tiles found by (group, tile key).
  std::vector<tile*> tiles;
  tile_arena arena;
  bucket_index tile_index;
  std::unordered_map<reading_key, milli, reading_key_hash> off_grid;
  /// Values of the grid cells that hold `wide_marker`.
  std::unordered_map<reading_key, milli, reading_key_hash> wide;

  std::int64_t added = 0;
  std::int64_t skipped = 0;
  std::int64_t superseded = 0;
  std::uint32_t last_sensor = none;

  /// Hour accumulators folded from the grid, ordered by (subject, start); valid until the next
  /// add or merge.
  mutable std::vector<hour_acc> folded;
  mutable bool folded_valid = false;

  const cost_model& costs() const { return options.costs ? *options.costs : default_cost; }

  std::uint32_t lookup(const uuid& id) {
    const auto [hi, lo] = uuid_index::words(id);
    if (last_sensor == none) return last_sensor = sensor_index.find(sensors, hi, lo);
    sensor_slot& last = sensors[last_sensor];
    if (hi == last.id_hi && lo == last.id_lo) return last_sensor;
    const std::uint32_t guess = last.successor;
    if (guess != none && sensors[guess].id_hi == hi && sensors[guess].id_lo == lo)
      return last_sensor = guess;
    const std::uint32_t found = sensor_index.find(sensors, hi, lo);
    if (found != none) {
      last.successor = found;
      last_sensor = found;
    }
    return found;
  }

  /// A batch of `rows` readings is about to be added: at least rows / (lanes × tile_slots) new
  /// tiles when the rows are dense (more when groups are partly filled, fewer with re-sends).
  void expect_rows(std::size_t rows) {
    const std::size_t more = rows / (std::size_t{lanes} * tile_slots);
    if (more == 0) return;
    tile_index.reserve(tiles.size() + more);
    // Geometric, as push_back: calls of a few thousand rows each must not reallocate each time.
    if (tiles.size() + more > tiles.capacity())
      tiles.reserve(std::max(tiles.size() + more, 2 * tiles.capacity()));
    arena.expect(more);
  }

  /// The tile (group, key), created empty when absent.
  /// `cleared` false: a new tile's cells are left as they are, for a caller that writes them all.
  tile& tile_for(std::uint32_t g, std::int64_t key, bool cleared = true) {
    const auto next = static_cast<std::uint32_t>(tiles.size());
    const std::uint32_t i = tile_index.find_or_insert(g, key, next);
    if (i == next) {
      tiles.push_back(arena.allocate(cleared));
      tile& t = *tiles.back();
      t.group = g;
      t.key = key;
    }
    return *tiles[i];
  }

  /// The slot row of (g, ts): lane 0's cell in the group's tile for ts, or nullptr when ts is
  /// off the group's interval grid. Out of line: once per group change (every 8 rows of
  /// time-major input), so that the row loop keeps its state in registers.
  [[gnu::noinline]] cell_t* slot_row(std::uint32_t g, epoch_seconds ts) {
    group_cursor& c = cursors[g];
    if (ts < c.tile_start || ts >= c.tile_end) [[unlikely]]
      enter_tile(g, ts);
    const epoch_seconds d = ts - c.tile_start;  // in [0, 64 × interval)
    // Slot by multiplication: exact whenever d is a multiple of the interval (checked below,
    // which also sends every off-grid ts to the exact path).
    const auto j = static_cast<std::int64_t>(static_cast<double>(d) * c.inverse_interval + 0.5);
    if (j * c.interval != d || j >= tile_slots) [[unlikely]]
      return nullptr;
    cell_t* row = c.current->cells.data() + j * lanes;
    c.next_row = j + 1 < tile_slots ? row + lanes : nullptr;
    c.next_ts = ts + c.interval;
    c.rows_after_next = tile_slots - 2 - j;
    prefetch_after(row);
    return row;
  }
  /// Time-major rows come back to a group at the next intervals, after every other group (10^4
  /// sensors: about 1,250 groups, too many streams for the hardware prefetcher): the cache line
  /// after a slot row's is fetched for writing when the row is found. Measured on 10^7 rows: add
  /// 66 -> 40 ms of CPU. (A prefetch never faults, past a tile's end included.)
  [[gnu::always_inline]] static void prefetch_after(const cell_t* row) noexcept {
    __builtin_prefetch(row + 2 * lanes, 1);
  }

  /**
   * What one `add` call writes with: the slot row the previous row went to (rows that come one
   * timestamp at a time for every sensor reach the same (group, ts) 8 times in a row and skip
   * finding it) and the call's counters. A local object whose address never escapes, so that
   * its members live in registers; `finish` adds the counters to the totals.
   */
  struct writer {
    impl& m;
    std::uint32_t group = none;
    epoch_seconds row_ts = 0;
    cell_t* row = nullptr;  ///< lane 0 of the slot row of (group, row_ts)
    std::int64_t skipped = 0;
    std::int64_t superseded = 0;
    /// A row had code `unknown_position`: it and every later row are not put.
    bool stopped = false;

    /// Hot path, once per reading: one store in the sensor group's current tile. The latest
    /// row for a (sensor, ts) wins, as in the store; summing waits for the fold.
    [[gnu::always_inline]] void put(std::uint32_t code, epoch_seconds ts, milli value) {
      const std::uint32_t g = code / lanes;
      // A sensor that is not aggregated has code `none`, and an unknown position
      // `unknown_position`, whose quotients are no group's index (the constructor checks), so
      // both are caught here, off the path of the common row. After a stop, `group` is none:
      // every row comes here and is dropped.
      if (g != group || ts != row_ts) [[unlikely]] {
        if (code >= unknown_position || stopped) [[unlikely]] {
          if (code == none && !stopped) {
            ++skipped;
            return;
          }
          stopped = true;
          group = none;
          return;
        }
        group_cursor& c = m.cursors[g];
        if (ts == c.next_ts && c.next_row != nullptr) {  // the group's next slot row: no search
          row = c.next_row;
          row_ts = ts;
          group = g;
          c.next_row = c.rows_after_next > 0 ? row + lanes : nullptr;
          c.next_ts = ts + c.interval;
          --c.rows_after_next;
          prefetch_after(row);
        } else {
          row = m.slot_row(g, ts);
          row_ts = ts;
          group = row != nullptr ? g : none;
          if (row == nullptr) {
            superseded += m.add_off_grid(m.groups[g].sensor[code % lanes], ts, value);
            return;
          }
        }
      }
      cell_t& cell = row[code % lanes];
      if (!fits_cell(value)) [[unlikely]] {
        tile& t = *m.cursors[g].current;  // the tile `row` lies in
        superseded += m.put_wide(t, static_cast<std::size_t>(&cell - t.cells.data()),
                                 m.groups[g].sensor[code % lanes], ts, value);
        return;
      }
      // A narrow value over a wide one leaves the wide entry behind, unread: only cells that
      // hold `wide_marker` are looked up, and writing the marker again replaces the entry.
      superseded += cell != 0;
      cell = encode_cell(value);
    }
    /// Adds the counters of `rows` rows put (aggregated or skipped) to the aggregator's totals.
    void finish(std::size_t rows) const noexcept {
      m.added += static_cast<std::int64_t>(rows) - skipped;
      m.skipped += skipped;
      m.superseded += superseded;
    }
  };
  void add(std::uint32_t si, epoch_seconds ts, milli value) {
    materialize();
    folded_valid = false;
    writer w{*this};
    w.put(sensors[si].code, ts, value);
    w.finish(1);
  }

  /// Points the group's cursor at the tile holding `ts` (out of line: once per 64 intervals).
  [[gnu::noinline]] void enter_tile(std::uint32_t g, epoch_seconds ts) {
    group_cursor& c = cursors[g];
    const std::int64_t span = tile_slots * c.interval;
    const std::int64_t key = floor_div(ts, span);
    c.current = &tile_for(g, key);
    c.tile_start = key * span;
    c.tile_end = c.tile_start + span;
    c.next_row = nullptr;  // `next_row` lies in `current`
  }

  /// Cell `i` of `t` (sensor `si`, `ts`) takes `value` where the cell is or becomes wide.
  /// 1 when it replaced an earlier value.
  [[gnu::noinline]] std::int64_t put_wide(tile& t, std::size_t i, std::uint32_t si,
                                          epoch_seconds ts, milli value) {
    cell_t& cell = t.cells[i];
    const std::int64_t replaced = cell != 0 ? 1 : 0;
    if (fits_cell(value)) {  // merge: a narrow value replaces a wide one
      wide.erase(reading_key{si, ts});
      cell = encode_cell(value);
      return replaced;
    }
    wide.insert_or_assign(reading_key{si, ts}, value);
    cell = wide_marker;
    t.has_wide = true;
    return replaced;
  }
  /// Copies the wide values of `t`, a tile of `o` this one takes over whole.
  void take_wide_values(const impl& o, const tile& t) {
    const sensor_group& g = groups[t.group];
    for (std::size_t i = 0; i < t.cells.size(); ++i)
      if (t.cells[i] == wide_marker) {
        const reading_key k{
            g.sensor[i % lanes],
            (t.key * tile_slots + static_cast<std::int64_t>(i / lanes)) * g.interval};
        wide.insert_or_assign(k, o.wide.at(k));
      }
  }
  /// The value held by a non-empty cell `i` of `t`, of the group's sensor `si` at `ts`.
  [[nodiscard]] milli cell_value(const tile& t, std::size_t i, std::uint32_t si,
                                 epoch_seconds ts) const {
    const cell_t c = t.cells[i];
    return c == wide_marker ? wide.at(reading_key{si, ts}) : decode_cell(c);
  }

  /// 1 when it replaced an earlier value.
  [[gnu::noinline]] std::int64_t add_off_grid(std::uint32_t si, epoch_seconds ts, milli value) {
    return off_grid.insert_or_assign(reading_key{si, ts}, value).second ? 0 : 1;
  }

  // --- time rows: dense time-major columns, before any tile ----------------------------------

  /// Intervals per time-row window: half a tile's 64, so that a window of up to 16,384 sensor
  /// lanes fits one 2 MiB block, and a tile's intervals are those of two windows.
  static constexpr std::int64_t window_slots = tile_slots / 2;
  /// Groups moved into tiles together by `materialize`: 32 tiles' staging copy is 64 KiB.
  static constexpr std::uint32_t band_groups = 32;

  struct block_release {
    void operator()(cell_t* p) const noexcept { huge_block_cache::instance().give(p); }
  };
  /// `window_slots` time rows: row j holds the cell of every sensor code (group × lanes + lane)
  /// at ts = (key × window_slots + j) × interval.
  struct time_window {
    std::int64_t key = 0;
    std::unique_ptr<cell_t, block_release> cells;
  };

  /**
   * The grid while every add so far was dense time-major columns: the cells of all aggregated
   * sensors (which share one interval) side by side for each ts, in the order such rows come, so
   * that the writes stream through memory as the C fold's do and a row needs no per-group state:
   * a call keeps one current time row, which changes when the ts does (every few thousand rows).
   * Tiles, by contrast, put each group's intervals side by side, which suits a sensor's series
   * and sparse input (memory only for the groups that report); with time-major rows they take
   * a group change, and a far cache line, every 8 rows. `materialize` moves the time rows into
   * tiles before anything else reads or writes the grid. Same cell encoding as tiles.
   */
  std::vector<time_window> windows;
  std::unordered_map<std::int64_t, std::size_t> window_index;  ///< window key -> `windows` index
  bool in_time_rows = false;
  /// The aggregated sensors' common interval when time rows may hold them, else 0.
  std::int64_t shared_interval = 0;
  /// `fold_time_rows` can fold time rows where they stand (set by the constructor): the only
  /// case they are used for, since moving them into tiles costs what they save.
  bool time_rows_foldable = false;
  std::size_t aggregated_lanes = 0;  ///< lanes in use over all groups
  std::size_t time_row_cells = 0;    ///< cells of `windows`
  std::int64_t time_row_puts = 0;    ///< rows put into time rows (the memory bound's measure)

  [[nodiscard]] std::size_t lane_count() const noexcept { return groups.size() * lanes; }

  /// Whether a column call of `n` rows should go to time rows: no tile yet, a grid
  /// `fold_time_rows` can fold, a window in one block, lanes mostly in use, and the rows time-major
  /// and dense (over a sample, a ts is repeated for at least half the sensors): then time rows cost
  /// at most about two cells per row. Anything else (a sensor's series at a time, a few sensors of
  /// many) is tiles.
  [[nodiscard]] bool wants_time_rows(const epoch_seconds* ts, std::size_t n) const noexcept {
    const std::size_t width = lane_count();
    if (!tiles.empty() || !time_rows_foldable || width == 0 || width > 2 * aggregated_lanes ||
        width * window_slots * sizeof(cell_t) > huge_block || n < width * window_slots / 4)
      return false;
    const std::size_t sample = std::min(n, 4 * width);
    std::size_t runs = 1;
    for (std::size_t i = 1; i < sample; ++i)
      runs += ts[i] != ts[i - 1];
    return 2 * sample >= runs * aggregated_lanes;
  }

  /// A 2 MiB block for a window, from the block cache or the kernel, its first `cleared` bytes
  /// zero (the rest as a reused block left them). @throws std::bad_alloc.
  static std::unique_ptr<cell_t, block_release> window_block(std::size_t cleared) {
    void* reused = huge_block_cache::instance().take();
    void* p = reused != nullptr ? reused : map_huge_block();
    if (p == nullptr) throw std::bad_alloc();
    if (reused != nullptr) std::memset(p, 0, cleared);
    return std::unique_ptr<cell_t, block_release>(static_cast<cell_t*>(p));
  }

  [[nodiscard]] bool can_merge_time_rows(const impl& o) const noexcept {
    return in_time_rows && o.in_time_rows && wide.empty() && o.wide.empty();
  }

  /**
   * `merge_grid` for two aggregators in time rows without wide values: `o`'s windows are taken
   * over (`steal`) or copied where this one has none, and merged cell by cell where both have
   * one (`o`'s value wins, as later rows), so that the merged time rows are folded where they
   * stand. Parts of time-major rows hold disjoint windows but at their boundary.
   */
  void merge_time_rows(const impl& o, impl* steal) {
    const std::size_t cells = window_slots * lane_count();
    for (std::size_t i = 0; i < o.windows.size(); ++i) {
      const time_window& from = o.windows[i];
      auto [it, inserted] = window_index.try_emplace(from.key, windows.size());
      if (inserted) {
        try {
          if (steal != nullptr) {
            windows.push_back({from.key, std::move(steal->windows[i].cells)});
          } else {
            windows.push_back({from.key, window_block(0)});
            std::memcpy(windows.back().cells.get(), from.cells.get(), cells * sizeof(cell_t));
          }
        } catch (...) {
          window_index.erase(it);
          throw;
        }
        time_row_cells += cells;
        continue;
      }
      cell_t* into = windows[it->second].cells.get();
      const cell_t* values = from.cells.get();
      for (std::size_t c = 0; c < cells; ++c) {
        if (values[c] == 0) continue;
        superseded += into[c] != 0 ? 1 : 0;
        into[c] = values[c];
      }
    }
    time_row_puts += o.time_row_puts;
    merge_off_grid_and_counts(o, steal);
    if (steal != nullptr) {
      steal->windows.clear();
      steal->window_index.clear();
      steal->time_row_cells = 0;
      steal->time_row_puts = 0;
    }
  }

  /// What every merge takes besides the grid: `o`'s off-grid readings (later: they win) and its
  /// counters; `steal`, when given, is left without them.
  void merge_off_grid_and_counts(const impl& o, impl* steal) {
    for (const auto& [key, value] : o.off_grid)
      if (!off_grid.insert_or_assign(key, value).second) ++superseded;
    added += o.added;
    skipped += o.skipped;
    superseded += o.superseded;
    folded_valid = false;
    if (steal != nullptr) {
      steal->off_grid.clear();
      steal->added = steal->skipped = steal->superseded = 0;
      steal->folded.clear();
      steal->folded_valid = false;
    }
  }

  /// Lane 0 of the time row of `ts` (its window allocated, empty, when new), or nullptr when ts
  /// is off the interval grid. Sets `full` instead, and returns nullptr, when a new window would
  /// hold more than four cells per row put so far plus two windows: the caller then moves to
  /// tiles, which never hold cells for sensors that do not report.
  cell_t* time_row(epoch_seconds ts, std::int64_t rows_put, bool& full) {
    const std::int64_t span = window_slots * shared_interval;
    const std::int64_t key = floor_div(ts, span);
    const std::int64_t d = ts - key * span;
    if (d % shared_interval != 0) return nullptr;
    const std::size_t width = lane_count();
    auto [it, inserted] = window_index.try_emplace(key, windows.size());
    if (inserted) {
      const std::size_t cells = window_slots * width;
      if (time_row_cells + cells > 4 * static_cast<std::size_t>(rows_put) + 2 * cells) {
        window_index.erase(it);
        full = true;
        return nullptr;
      }
      try {
        windows.push_back({key, window_block(cells * sizeof(cell_t))});
      } catch (...) {
        window_index.erase(it);
        throw;
      }
      time_row_cells += cells;
    }
    return windows[it->second].cells.get() + static_cast<std::size_t>(d / shared_interval) * width;
  }

  /**
   * Puts column rows [0, n) into time rows, counting into `w`, and returns where it stopped: n,
   * a row with an unknown position (`w.stopped` set), or the first row that would have broken
   * the memory bound (the caller materializes and puts the rest into tiles). Off-grid and wide
   * values go to their maps, as from tiles.
   */
  std::size_t put_time_rows(const std::uint32_t* code_of, std::uint32_t known,
                            const std::uint32_t* pos, const epoch_seconds* ts, const milli* value,
                            std::size_t n, writer& w) {
    if (n == 0) return 0;
    epoch_seconds row_ts = ts[0] ^ 1;  // not ts[0]: the first row finds its time row
    cell_t* row = nullptr;
    std::int64_t replaced = 0;
    std::size_t i = 0;
    for (; i < n; ++i) {
      const std::uint32_t code = code_of[std::min(pos[i], known)];
      const epoch_seconds t = ts[i];
      const milli v = value[i];
      if (t != row_ts) [[unlikely]] {
        bool full = false;
        row = time_row(t, time_row_puts + static_cast<std::int64_t>(i), full);
        if (full) break;
        row_ts = t;
      }
      if (code >= unknown_position || row == nullptr || !fits_cell(v)) [[unlikely]] {
        if (code == unknown_position) {
          w.stopped = true;
          break;
        }
        if (code == none) {
          ++w.skipped;
          continue;
        }
        const std::uint32_t si = groups[code / lanes].sensor[code % lanes];
        if (row == nullptr) {
          replaced += add_off_grid(si, t, v);
          continue;
        }
        cell_t& cell = row[code];  // a wide value: the map holds it, the cell says so
        replaced += cell != 0;
        wide.insert_or_assign(reading_key{si, t}, v);
        cell = wide_marker;
        continue;
      }
      cell_t& cell = row[code];
      replaced += cell != 0;
      cell = encode_cell(v);
    }
    w.superseded += replaced;
    time_row_puts += static_cast<std::int64_t>(i);
    return i;
  }

  /// Moves the time rows into tiles (the two windows of a tile's 64 intervals together; a group
  /// with no value in either gets no tile) and leaves time-row mode for good. Every cell of a
  /// new tile is written once, a copy or a zero, so reused tile memory needs no clearing first.
  void materialize() {
    if (!in_time_rows) return;
    in_time_rows = false;
    const std::size_t width = lane_count();
    std::vector<time_window*> order;
    order.reserve(windows.size());
    for (time_window& win : windows)
      order.push_back(&win);
    std::sort(order.begin(), order.end(),
              [](const time_window* a, const time_window* b) { return a->key < b->key; });
    tile_index.reserve(tiles.size() + order.size() * groups.size() / 2 + groups.size());
    std::vector<cell_t> staging(std::size_t{band_groups} * tile_slots * lanes);
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::int64_t key = floor_div(order[k]->key, 2);
      std::array<time_window*, 2> half{};  // the tile's first and last 32 intervals
      half[static_cast<std::size_t>(order[k]->key - key * 2)] = order[k];
      if (half[0] != nullptr && k + 1 < order.size() && order[k + 1]->key == key * 2 + 1)
        half[1] = order[++k];
      // A band of groups at a time: each time row's part for the band is read in order (the
      // window is read once, as the hardware prefetches it), into a staging copy of the band's
      // tiles that stays in cache; then each group with a value gets its tile in one copy.
      // (Group by group, reading a column of 32 rows 40 KB apart for 10^4 sensors, took 13 ms
      // for 10^7 readings, waiting on memory.)
      for (std::uint32_t band = 0; band < groups.size(); band += band_groups) {
        const std::uint32_t in_band =
            std::min<std::uint32_t>(band_groups, static_cast<std::uint32_t>(groups.size()) - band);
        std::array<cell_t, band_groups> any{};
        for (std::size_t h = 0; h < 2; ++h) {
          for (std::size_t j = 0; j < window_slots; ++j) {
            const cell_t* from = half[h] == nullptr
                                     ? nullptr
                                     : half[h]->cells.get() + j * width + std::size_t{band} * lanes;
            for (std::uint32_t b = 0; b < in_band; ++b) {
              cell_t* into = staging.data() + ((b * tile_slots) + h * window_slots + j) * lanes;
              if (from == nullptr) {
                std::memset(into, 0, lanes * sizeof(cell_t));
                continue;
              }
              const cell_t* cells = from + b * lanes;
              std::memcpy(into, cells, lanes * sizeof(cell_t));
              cell_t bits = 0;
              for (std::uint32_t l = 0; l < lanes; ++l)
                bits |= cells[l];
              any[b] |= bits;
            }
          }
        }
        for (std::uint32_t b = 0; b < in_band; ++b) {
          if (any[b] == 0) continue;
          tile& t = tile_for(band + b, key, false);
          std::memcpy(t.cells.data(), staging.data() + b * tile_slots * lanes, sizeof(t.cells));
          // Only a cell written with a wide value holds the marker, and each left an entry.
          t.has_wide = !wide.empty() &&
                       std::find(t.cells.begin(), t.cells.end(), wide_marker) != t.cells.end();
        }
      }
      // Give the windows' blocks back now: the next tiles take them from the block cache, so
      // the grid never holds both layouts whole (and needs no fresh, faulting memory).
      for (time_window* w : half)
        if (w != nullptr) w->cells.reset();
    }
    windows.clear();
    window_index.clear();
    time_row_cells = 0;
    time_row_puts = 0;
  }

  // --- the fold: grid -> hour accumulators ------------------------------------------------------

  /// Accumulators of one reading folded on its own (coarse sensors, off-grid readings).
  void fold_single(std::uint32_t si, epoch_seconds ts, milli value,
                   std::vector<hour_acc>& partials) const {
    const sensor_slot& s = sensors[si];
    epoch_seconds start = 0, end = 0;
    calendars[s.building].hour_span(ts, start, end);
    for (const std::uint32_t subject : {s.sensor_subject, s.building_subject}) {
      if (subject == none) continue;
      hour_acc a = empty_acc(subject, start, end);
      accumulate(a, s.interval, ts, value);
      partials.push_back(a);
    }
  }

  /// Appends `a` to its subject's series, combining it with the last entry for the same bucket
  /// (a bucket that straddles two fold windows arrives in two parts).
  static void emit(std::vector<std::vector<hour_acc>>& by_subject, const hour_acc& a) {
    std::vector<hour_acc>& v = by_subject[a.subject];
    if (!v.empty() && v.back().start == a.start)
      combine(v.back(), a);
    else
      v.push_back(a);
  }

  /// Tiles of one building's groups in one window: `spans[k]` = [from, to) in `order` for the
  /// building's k-th group.
  using spans_t = std::vector<std::pair<std::size_t, std::size_t>>;

  /// What folding one window needs, kept across windows so that it is allocated once per thread.
  struct window_scratch {
    bucket_table table;
    /// [building subject][bucket]
    std::vector<hour_acc> building_accs;
    /// [building subject][quarter-hour of the table]: sums of the common case before they reach
    /// the hour accumulators, and how many readings each holds.
    std::vector<milli> quarter_energy;
    std::vector<std::int64_t> quarter_count;
    std::vector<std::uint8_t> quarter_used;  ///< per building subject
  };

  /// Where a group's lanes go in one window: the building accumulators of each lane (null
  /// without building scope), each lane's own subject and its current bucket.
  struct lane_targets {
    std::array<hour_acc*, lanes> into{};
    std::array<std::uint32_t, lanes> own{};
    std::array<hour_acc, lanes> current{};
    std::array<std::uint32_t, lanes> current_bucket{};
  };

  /// Folds one tile of `g` cell by cell (the general path: sensor scope, mixed subjects, wide
  /// values, buckets that do not start on a quarter-hour). A lane's own buckets come in time
  /// order, as tiles are visited in key order.
  void fold_tile_cells(const tile& t, const sensor_group& g, const bucket_table& table,
                       lane_targets& to, std::vector<std::vector<hour_acc>>& by_subject) const {
    const std::int64_t interval = g.interval;
    const epoch_seconds base = t.key * tile_slots * interval;
    for (std::size_t j = 0; j < tile_slots; ++j) {
      const std::uint32_t mask = t.row_mask(j);
      if (mask == 0) continue;
      const epoch_seconds ts = base + static_cast<std::int64_t>(j) * interval;
      const std::uint32_t o = table.find(ts);
      for (std::uint32_t bits = mask; bits != 0; bits &= bits - 1) {
        const auto l = static_cast<std::uint32_t>(std::countr_zero(bits));
        const milli v = cell_value(t, j * lanes + l, g.sensor[l], ts);
        if (to.into[l] != nullptr) accumulate(to.into[l][o], interval, ts, v);
        if (to.own[l] != none) {
          if (o != to.current_bucket[l]) {
            if (to.current_bucket[l] != none) emit(by_subject, to.current[l]);
            to.current[l] = empty_acc(to.own[l], table.starts[o], table.ends[o]);
            to.current_bucket[l] = o;
          }
          accumulate(to.current[l], interval, ts, v);
        }
      }
    }
  }

  /// The sum of the values of one slot row's 8 cells and how many hold a value (narrow cells
  /// only: 2v + 1 or 0).
  [[gnu::always_inline]] static std::pair<milli, std::int64_t> slot_row_total(
      const cell_t* c) noexcept {
    static_assert(lanes == 8);
#ifdef __SSE2__
    // Two loads, then lanes paired before widening: each half-value is below 2^30 in
    // magnitude, so a pair's sum fits 32 bits exactly. (The compiler's own vectorisation of the
    // loop below transposed four slot rows at a time and cost twice the instructions.)
    const __m128i lo = _mm_load_si128(reinterpret_cast<const __m128i*>(c));
    const __m128i hi = _mm_load_si128(reinterpret_cast<const __m128i*>(c + 4));
    const __m128i pairs = _mm_add_epi32(_mm_srai_epi32(lo, 1), _mm_srai_epi32(hi, 1));
    const __m128i sign = _mm_srai_epi32(pairs, 31);
    __m128i wide = _mm_add_epi64(_mm_unpacklo_epi32(pairs, sign), _mm_unpackhi_epi32(pairs, sign));
    wide = _mm_add_epi64(wide, _mm_unpackhi_epi64(wide, wide));
    const __m128i one = _mm_set1_epi32(1);
    __m128i count = _mm_add_epi32(_mm_and_si128(lo, one), _mm_and_si128(hi, one));
    count = _mm_add_epi32(count, _mm_shuffle_epi32(count, 0x4E));
    count = _mm_add_epi32(count, _mm_shuffle_epi32(count, 0xB1));
    return {static_cast<milli>(_mm_cvtsi128_si64(wide)), _mm_cvtsi128_si32(count)};
#else
    milli sum = 0;
    std::int64_t k = 0;
    for (std::uint32_t l = 0; l < lanes; ++l) {
      sum += c[l] >> 1;
      k += c[l] & 1;
    }
    return {sum, k};
#endif
  }

  /// The common case, one tile of a group whose lanes all add into one building subject, 15
  /// minutes or finer, in a window whose buckets start on quarter-hours: each slot row's sum
  /// (cells hold 2v + 1, empty 0, so the sum of `cell >> 1` needs no mask) and count go to its
  /// UTC quarter-hour; `fold_window` moves quarter-hours into hours once per window.
  /// `next`, the tile folded after this one (or null), is fetched meanwhile: a group's tiles
  /// lie far apart in memory (rows arrive for every group in turn), so the hardware prefetcher,
  /// which follows one tile's 2 KiB, stops at its end, and the fold waits for memory.
  static void fold_tile_quarters(const tile& t, const tile* next, std::int64_t interval,
                                 const bucket_table& table, milli* quarter_energy,
                                 std::int64_t* quarter_count) noexcept {
    const epoch_seconds base = t.key * tile_slots * interval;
    const auto slot_row = [&](std::size_t j, std::uint64_t q) {
      // Two slot rows per cache line: one prefetch every other row covers the next tile.
      if (next != nullptr && j % 2 == 0) __builtin_prefetch(next->cells.data() + j * lanes);
      const auto [sum, k] = slot_row_total(t.cells.data() + j * lanes);
      quarter_energy[q] += sum;
      quarter_count[q] += k;
    };
    if (interval == quarter) {  // a tile starts on a quarter-hour: slot j is quarter q0 + j
      const std::uint64_t q0 = table.quarter_of(base);
      for (std::size_t j = 0; j < tile_slots; ++j)
        slot_row(j, q0 + j);
      return;
    }
    for (std::size_t j = 0; j < tile_slots; ++j)
      slot_row(j, table.quarter_of(base + static_cast<std::int64_t>(j) * interval));
  }

  /// Quarter-hour sums and counts of one building subject (`nq` of them, the table's) into its
  /// hour accumulators `dest`: energy and counts add, the quarter's demand is its energy × 4
  /// (its average rate per hour).
  static void quarters_into_hours(const bucket_table& table, const milli* energy,
                                  const std::int64_t* count, hour_acc* dest) noexcept {
    for (std::size_t q = 0; q < table.of_quarter.size(); ++q) {
      if (count[q] == 0) continue;
      hour_acc& a = dest[table.of_quarter[q]];
      const auto i = static_cast<std::size_t>(table.lo_quarter + static_cast<std::int64_t>(q) -
                                              a.first_quarter);
      a.energy += energy[q];
      a.count += count[q];
      a.demand[i] += energy[q] * (3600 / quarter);
      a.touched = static_cast<std::uint8_t>(a.touched | (1u << i));
    }
  }

  /// Folds one window of one building densely: a bucket table for the window, then each tile's
  /// slot rows in order (one bucket lookup per quarter-hour or slot row, not per reading).
  void fold_window(std::uint32_t b, const spans_t& spans, window_scratch& w,
                   std::vector<std::vector<hour_acc>>& by_subject,
                   const std::vector<std::uint32_t>& order) const {
    // The window's UTC extent, from its tiles.
    epoch_seconds lo = std::numeric_limits<epoch_seconds>::max();
    epoch_seconds hi = std::numeric_limits<epoch_seconds>::min();
    const auto& own_groups = building_groups[b];
    for (std::size_t k = 0; k < spans.size(); ++k) {
      const auto [from, to] = spans[k];
      if (from == to) continue;
      const std::int64_t span = tile_slots * groups[own_groups[k]].interval;
      lo = std::min(lo, tiles[order[from]]->key * span);
      hi = std::max(hi, (tiles[order[to - 1]]->key + 1) * span);
    }
    if (lo >= hi) return;
    bucket_table& table = w.table;
    table.build(calendars[b], lo, hi);
    const std::size_t nb = table.size();
    const std::size_t nq = table.of_quarter.size();
    const auto& subjects_here = building_subject_list[b];
    w.building_accs.clear();
    for (const std::uint32_t subject : subjects_here)
      for (std::size_t o = 0; o < nb; ++o)
        w.building_accs.push_back(empty_acc(subject, table.starts[o], table.ends[o]));
    w.quarter_used.assign(subjects_here.size(), 0);

    for (std::size_t k = 0; k < spans.size(); ++k) {
      const auto [from, to] = spans[k];
      if (from == to) continue;
      const sensor_group& g = groups[own_groups[k]];
      lane_targets targets;
      targets.current_bucket.fill(none);
      bool uniform = true;  // every lane adds into the same building subject, none has its own
      for (std::uint32_t l = 0; l < g.used; ++l) {
        const sensor_slot& s = sensors[g.sensor[l]];
        targets.into[l] = s.building_subject_local == none
                              ? nullptr
                              : w.building_accs.data() + s.building_subject_local * nb;
        targets.own[l] = s.sensor_subject;
        uniform = uniform && targets.own[l] == none && targets.into[l] != nullptr &&
                  targets.into[l] == targets.into[0];
      }
      if (uniform && g.interval <= quarter && table.quarter_aligned) {
        const std::uint32_t local = sensors[g.sensor[0]].building_subject_local;
        if (w.quarter_used[local] == 0) {
          if (w.quarter_energy.size() < subjects_here.size() * nq) {
            w.quarter_energy.resize(subjects_here.size() * nq);
            w.quarter_count.resize(subjects_here.size() * nq);
          }
          std::fill_n(w.quarter_energy.data() + local * nq, nq, 0);
          std::fill_n(w.quarter_count.data() + local * nq, nq, 0);
          w.quarter_used[local] = 1;
        }
        for (std::size_t p = from; p < to; ++p) {
          const tile& t = *tiles[order[p]];
          if (t.has_wide) [[unlikely]]
            fold_tile_cells(t, g, table, targets, by_subject);
          else
            fold_tile_quarters(t, p + 1 < to ? tiles[order[p + 1]] : nullptr, g.interval, table,
                               w.quarter_energy.data() + local * nq,
                               w.quarter_count.data() + local * nq);
        }
        continue;
      }
      for (std::size_t p = from; p < to; ++p)
        fold_tile_cells(*tiles[order[p]], g, table, targets, by_subject);
      for (std::uint32_t l = 0; l < g.used; ++l)
        if (targets.current_bucket[l] != none) emit(by_subject, targets.current[l]);
    }
    // Quarter-hours into their hour buckets: energy and counts add, the quarter's demand is its
    // energy × 4 (its average rate per hour).
    for (std::size_t local = 0; local < subjects_here.size(); ++local) {
      if (w.quarter_used[local] == 0) continue;
      quarters_into_hours(table, w.quarter_energy.data() + local * nq,
                          w.quarter_count.data() + local * nq, w.building_accs.data() + local * nb);
    }
    for (const hour_acc& a : w.building_accs)
      if (a.count != 0) emit(by_subject, a);
  }

  /// Folds the grid of buildings [first_building, end_building) into `by_subject` (their subjects
  /// only) and `partials`: buildings share nothing, so two threads may fold disjoint ranges.
  void fold_buildings(std::uint32_t first_building, std::uint32_t end_building,
                      const std::vector<std::size_t>& first,
                      const std::vector<std::uint32_t>& order,
                      std::vector<std::vector<hour_acc>>& by_subject,
                      std::vector<hour_acc>& partials) const {
    window_scratch scratch;
    for (std::uint32_t b = first_building; b < end_building; ++b) {
      const auto& own_groups = building_groups[b];
      // Per group of the building: its next unfolded tile in `order`, and its end.
      std::vector<std::size_t> at(own_groups.size()), stop(own_groups.size());
      for (std::size_t k = 0; k < own_groups.size(); ++k) {
        const sensor_group& g = groups[own_groups[k]];
        at[k] = first[own_groups[k]];
        stop[k] = first[own_groups[k] + 1];
        if (g.interval > dense_interval_max) {
          for (std::size_t p = at[k]; p < stop[k]; ++p) {
            const tile& t = *tiles[order[p]];
            for (std::size_t j = 0; j < tile_slots; ++j)
              for (std::uint32_t bits = t.row_mask(j); bits != 0; bits &= bits - 1) {
                const auto l = static_cast<std::size_t>(std::countr_zero(bits));
                const epoch_seconds ts =
                    (t.key * tile_slots + static_cast<std::int64_t>(j)) * g.interval;
                fold_single(g.sensor[l], ts, cell_value(t, j * lanes + l, g.sensor[l], ts),
                            partials);
              }
          }
          at[k] = stop[k];
        }
      }
      const auto window_of = [&](std::size_t k) {
        return floor_div(tiles[order[at[k]]]->key * tile_slots * groups[own_groups[k]].interval,
                         window_seconds);
      };
      spans_t spans(own_groups.size());
      while (true) {
        std::int64_t w = std::numeric_limits<std::int64_t>::max();
        for (std::size_t k = 0; k < own_groups.size(); ++k)
          if (at[k] < stop[k]) w = std::min(w, window_of(k));
        if (w == std::numeric_limits<std::int64_t>::max()) break;
        for (std::size_t k = 0; k < own_groups.size(); ++k) {
          const std::size_t from = at[k];
          while (at[k] < stop[k] && window_of(k) == w)
            ++at[k];
          spans[k] = {from, at[k]};
        }
        fold_window(b, spans, scratch, by_subject, order);
      }
    }
  }

  /// The hour accumulators of the time rows, straight from them, in the common case: every
  /// group's lanes add into one building subject and nothing else (no sensor scope), no wide
  /// value, intervals of a quarter-hour or a divisor of it, and buckets on quarter-hours. Each
  /// building's sum for an interval is the sum of its groups' lanes in one time row, added to
  /// that quarter-hour as `fold_window` adds a tile's slot rows. False, with `by_subject` to be
  /// discarded, when something needs the tiles' general path.
  bool fold_time_rows(std::vector<std::vector<hour_acc>>& by_subject) const {
    const std::int64_t iv = shared_interval;
    if (!time_rows_foldable || !wide.empty()) return false;
    std::vector<const time_window*> order;
    order.reserve(windows.size());
    for (const time_window& win : windows)
      order.push_back(&win);
    std::sort(order.begin(), order.end(),
              [](const time_window* a, const time_window* b) { return a->key < b->key; });
    const std::size_t width = lane_count();
    const std::int64_t span = window_slots * iv;
    const std::size_t nb_buildings = buildings.size();
    // Per building: its bucket table over the fold window, hour accumulators, quarter-hour sums.
    std::vector<window_scratch> per(nb_buildings);
    std::vector<std::uint64_t> quarter_now(nb_buildings);  // each building's quarter of a row
    // Each group's building and the offset of its subject's quarter sums.
    std::vector<std::uint32_t> building_of(groups.size());
    std::vector<std::size_t> subject_offset(groups.size());
    for (std::uint32_t g = 0; g < groups.size(); ++g)
      building_of[g] = groups[g].building;
    // The time-row windows of one fold window (as the tiles' fold splits time) at a time, every
    // building at once: each time row is read once, in order.
    for (std::size_t k = 0; k < order.size();) {
      const std::int64_t fold_window_key = floor_div(order[k]->key * span, window_seconds);
      std::size_t e = k;
      while (e < order.size() && floor_div(order[e]->key * span, window_seconds) == fold_window_key)
        ++e;
      for (std::uint32_t b = 0; b < nb_buildings; ++b) {
        if (building_groups[b].empty()) continue;
        window_scratch& w = per[b];
        w.table.build(calendars[b], order[k]->key * span, (order[e - 1]->key + 1) * span);
        if (!w.table.quarter_aligned) return false;
        const std::size_t nb = w.table.size();
        const std::size_t nq = w.table.of_quarter.size();
        const auto& subjects_here = building_subject_list[b];
        w.building_accs.clear();
        for (const std::uint32_t subject : subjects_here)
          for (std::size_t o = 0; o < nb; ++o)
            w.building_accs.push_back(empty_acc(subject, w.table.starts[o], w.table.ends[o]));
        w.quarter_energy.assign(subjects_here.size() * nq, 0);
        w.quarter_count.assign(subjects_here.size() * nq, 0);
      }
      for (std::uint32_t g = 0; g < groups.size(); ++g)
        subject_offset[g] = std::size_t{sensors[groups[g].sensor[0]].building_subject_local} *
                            per[building_of[g]].table.of_quarter.size();
      for (std::size_t p = k; p < e; ++p) {
        const epoch_seconds base = order[p]->key * span;
        for (std::int64_t j = 0; j < window_slots; ++j) {
          const cell_t* row = order[p]->cells.get() + static_cast<std::size_t>(j) * width;
          for (std::uint32_t b = 0; b < nb_buildings; ++b)
            if (!building_groups[b].empty())
              quarter_now[b] = per[b].table.quarter_of(base + j * iv);
          for (std::uint32_t g = 0; g < groups.size(); ++g) {
            const std::uint32_t b = building_of[g];
            const auto [sum, count] = slot_row_total(row + std::size_t{g} * lanes);
            const std::size_t at = subject_offset[g] + quarter_now[b];
            per[b].quarter_energy[at] += sum;
            per[b].quarter_count[at] += count;
          }
        }
      }
      for (std::uint32_t b = 0; b < nb_buildings; ++b) {
        if (building_groups[b].empty()) continue;
        window_scratch& w = per[b];
        const std::size_t nb = w.table.size();
        const std::size_t nq = w.table.of_quarter.size();
        for (std::size_t local = 0; local < building_subject_list[b].size(); ++local)
          quarters_into_hours(w.table, w.quarter_energy.data() + local * nq,
                              w.quarter_count.data() + local * nq,
                              w.building_accs.data() + local * nb);
        for (const hour_acc& a : w.building_accs)
          if (a.count != 0) emit(by_subject, a);
      }
      k = e;
    }
    return true;
  }

  /// Folds the tiles into `by_subject` and `partials` (readings folded one by one).
  void fold_tiles(std::vector<std::vector<hour_acc>>& by_subject,
                  std::vector<hour_acc>& partials) const {
    // Tiles grouped by sensor group (counting sort), each group's in key order.
    std::vector<std::size_t> first(groups.size() + 1, 0);
    for (const auto& t : tiles)
      ++first[t->group + 1];
    for (std::size_t k = 1; k < first.size(); ++k)
      first[k] += first[k - 1];
    std::vector<std::uint32_t> order(tiles.size());
    {
      std::vector<std::size_t> next(first.begin(), first.end() - 1);
      for (std::size_t i = 0; i < tiles.size(); ++i)
        order[next[tiles[i]->group]++] = static_cast<std::uint32_t>(i);
    }
    const auto by_key = [&](std::uint32_t x, std::uint32_t y) {
      return tiles[x]->key < tiles[y]->key;
    };
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto b = order.begin() + static_cast<std::ptrdiff_t>(first[g]);
      const auto e = order.begin() + static_cast<std::ptrdiff_t>(first[g + 1]);
      if (!std::is_sorted(b, e, by_key)) std::sort(b, e, by_key);
    }

    const auto nb = static_cast<std::uint32_t>(buildings.size());
    if (options.threads > 1 && nb > 1 && tiles.size() >= parallel_fold_tiles) {
      // Two threads, the buildings split where half the tiles are folded.
      std::size_t half = 0;
      std::uint32_t split = 0;
      while (split + 1 < nb && half * 2 < tiles.size()) {
        for (const std::uint32_t g : building_groups[split])
          half += first[g + 1] - first[g];
        ++split;
      }
      std::vector<hour_acc> other_partials;
      std::exception_ptr other_error;
      std::thread other([&] {
        try {
          fold_buildings(split, nb, first, order, by_subject, other_partials);
        } catch (...) {
          other_error = std::current_exception();
        }
      });
      try {
        fold_buildings(0, split, first, order, by_subject, partials);
      } catch (...) {
        other.join();
        throw;
      }
      other.join();
      if (other_error) std::rethrow_exception(other_error);
      partials.insert(partials.end(), other_partials.begin(), other_partials.end());
    } else {
      fold_buildings(0, nb, first, order, by_subject, partials);
    }
  }

  /// Folds the grid into `folded` (once per change). Time rows are folded where they stand when
  /// `fold_time_rows` can, else moved into tiles first (hence not const).
  void fold() {
    if (folded_valid) return;
    std::vector<std::vector<hour_acc>> by_subject(subjects.size());
    std::vector<hour_acc> partials;  // folded reading by reading
    if (!in_time_rows || !fold_time_rows(by_subject)) {
      if (in_time_rows) {
        by_subject.assign(subjects.size(), {});
        materialize();
      }
      fold_tiles(by_subject, partials);
    }
    for (const auto& [key, value] : off_grid)
      fold_single(key.sensor, key.ts, value, partials);

    // Readings folded one by one join their subject's series (sorted, equal buckets combined).
    if (!partials.empty()) {
      for (const hour_acc& a : partials)
        by_subject[a.subject].push_back(a);
      std::vector<bool> touched(subjects.size(), false);
      for (const hour_acc& a : partials)
        touched[a.subject] = true;
      for (std::size_t sub = 0; sub < subjects.size(); ++sub) {
        if (!touched[sub]) continue;
        auto& v = by_subject[sub];
        std::stable_sort(v.begin(), v.end(),
                         [](const hour_acc& x, const hour_acc& y) { return x.start < y.start; });
        std::size_t out = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (out > 0 && v[out - 1].start == v[i].start)
            combine(v[out - 1], v[i]);
          else
            v[out++] = v[i];
        }
        v.resize(out);
      }
    }
    folded.clear();
    std::size_t total = 0;
    for (const auto& v : by_subject)
      total += v.size();
    folded.reserve(total);
    // Subjects in summary key order (scope, id, type): each subject's buckets are in time order,
    // so the hour rows come out in key order and `hourly` does not sort them.
    for (const std::uint32_t subject : subject_key_order)
      folded.insert(folded.end(), by_subject[subject].begin(), by_subject[subject].end());
    folded_valid = true;
  }

  /// Subject indices ordered by (scope, id, type), the order of `summary_key_less`.
  [[nodiscard]] std::vector<std::uint32_t> subjects_in_key_order() const {
    std::vector<std::uint32_t> order(subjects.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
      return std::tie(subjects[x].scope, subjects[x].id, subjects[x].type) <
             std::tie(subjects[y].scope, subjects[y].id, subjects[y].type);
    });
    return order;
  }

  /// Whether `a` and `b` were built from the same buildings, sensors and options (merge's
  /// contract).
  static bool same_metadata(const impl& a, const impl& b) {
    const auto same_subject = [](const subject_info& x, const subject_info& y) {
      return x.scope == y.scope && x.id == y.id && x.type == y.type && x.building == y.building;
    };
    const auto same_sensor = [](const sensor_slot& x, const sensor_slot& y) {
      return x.id_hi == y.id_hi && x.id_lo == y.id_lo && x.building == y.building &&
             x.interval == y.interval && x.aggregated == y.aggregated && x.code == y.code;
    };
    return &a != &b && a.buildings == b.buildings && a.position_slot == b.position_slot &&
           a.sensors.size() == b.sensors.size() &&
           std::equal(a.sensors.begin(), a.sensors.end(), b.sensors.begin(), same_sensor) &&
           a.subjects.size() == b.subjects.size() &&
           std::equal(a.subjects.begin(), a.subjects.end(), b.subjects.begin(), same_subject) &&
           a.options.sensor_scope == b.options.sensor_scope &&
           a.options.building_scope == b.options.building_scope &&
           a.options.costs == b.options.costs;
  }

  /// Adds `o`'s grid into this one's, `o`'s values winning. With `steal` (= &o, which is being
  /// discarded), tiles this one lacks are taken whole instead of copied, and `o` is left empty.
  void merge_grid(const impl& o, impl* steal) {
    tile_index.reserve(tiles.size() + o.tiles.size());  // one rehash at most, not one per doubling
    for (std::size_t i = 0; i < o.tiles.size(); ++i) {
      const tile& ot = *o.tiles[i];
      const auto next = static_cast<std::uint32_t>(tiles.size());
      if (steal != nullptr && tile_index.find_or_insert(ot.group, ot.key, next) == next) {
        tiles.push_back(steal->tiles[i]);
        if (ot.has_wide) take_wide_values(o, ot);
        continue;
      }
      tile& into = tile_for(ot.group, ot.key);
      const sensor_group& g = groups[ot.group];
      for (std::size_t cell = 0; cell < ot.cells.size(); ++cell) {
        const cell_t c = ot.cells[cell];
        if (c == 0) continue;
        if (c == wide_marker || into.cells[cell] == wide_marker) {
          const std::uint32_t si = g.sensor[cell % lanes];
          const epoch_seconds ts =
              (ot.key * tile_slots + static_cast<std::int64_t>(cell / lanes)) * g.interval;
          superseded += put_wide(into, cell, si, ts, o.cell_value(ot, cell, si, ts));
          continue;
        }
        superseded += into.cells[cell] != 0 ? 1 : 0;
        into.cells[cell] = c;
      }
    }
    merge_off_grid_and_counts(o, steal);
    if (steal != nullptr) {
      arena.adopt(std::move(steal->arena));
      steal->tiles.clear();
      steal->tile_index = bucket_index{};
      steal->wide.clear();
      for (group_cursor& c : steal->cursors) {
        c.current = nullptr;
        c.tile_start = c.tile_end = 0;
        c.next_row = nullptr;
      }
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
    r.local_start = std::chrono::local_seconds{
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
  m.building_groups.resize(m.buildings.size());
  m.building_subject_list.resize(m.buildings.size());
  std::map<std::pair<std::uint32_t, sensor_type>, std::uint32_t> building_subjects;
  m.sensor_index.reserve(sensors.size());
  // Sized once: a portfolio of 10^4 sensors grown by doubling touched (and page-faulted) about
  // twice the memory, on every call from Python.
  m.sensors.reserve(sensors.size());
  m.position_slot.reserve(sensors.size());
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
    const auto [hi, lo] = uuid_index::words(s.id);
    const auto next = static_cast<std::uint32_t>(m.sensors.size());
    const std::uint32_t found = m.sensor_index.insert(m.sensors, hi, lo, next);
    m.position_slot.push_back(found);
    if (found != next) continue;  // listed twice: one slot
    sensor_slot slot;
    slot.id_hi = hi;
    slot.id_lo = lo;
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
      if (inserted) {
        m.subjects.push_back({summary_scope::building, s.building_id, s.type, slot.building});
        m.building_subject_list[slot.building].push_back(it->second);
      }
      slot.building_subject = it->second;
      const auto& list = m.building_subject_list[slot.building];
      slot.building_subject_local = static_cast<std::uint32_t>(
          std::find(list.begin(), list.end(), it->second) - list.begin());
    }
    m.sensors.push_back(slot);
  }
  // Groups: a building's aggregated sensors of one interval, in the order given, 8 at a time
  // (sensors listed side by side usually report side by side).
  std::map<std::pair<std::uint32_t, std::int64_t>, std::uint32_t> open_group;
  for (std::uint32_t si = 0; si < m.sensors.size(); ++si) {
    sensor_slot& s = m.sensors[si];
    if (!s.aggregated) continue;
    auto [it, inserted] = open_group.try_emplace({s.building, s.interval}, 0);
    if (inserted || m.groups[it->second].used == lanes) {
      it->second = static_cast<std::uint32_t>(m.groups.size());
      m.groups.push_back({.building = s.building, .interval = s.interval});
      m.cursors.push_back(
          {.inverse_interval = 1.0 / static_cast<double>(s.interval), .interval = s.interval});
      m.building_groups[s.building].push_back(it->second);
    }
    sensor_group& g = m.groups[it->second];
    s.code = it->second * lanes + g.used;
    g.sensor[g.used++] = si;
  }
  // `writer::put` tells a skipped sensor (code `none`) and an unknown position
  // (`unknown_position`) by their quotient, which no group may have.
  if (m.groups.size() >= none / lanes)
    throw std::invalid_argument("aggregator: more than 2^29 sensor groups");
  m.subject_key_order = m.subjects_in_key_order();
  m.position_code.reserve(m.position_slot.size());
  for (const std::uint32_t si : m.position_slot)
    m.position_code.push_back(m.sensors[si].code);
  m.position_code.push_back(unknown_position);
  // Time rows need one interval that divides a quarter-hour, and groups whose lanes all add into
  // one building subject and nothing else (what `fold_time_rows` folds).
  bool foldable = !options.sensor_scope && !m.groups.empty();
#ifndef __linux__
  foldable = false;  // windows are 2 MiB mappings (`map_huge_block`)
#endif
  for (const sensor_group& g : m.groups) {
    m.aggregated_lanes += g.used;
    foldable = foldable && g.interval == m.groups.front().interval;
    const std::uint32_t local = m.sensors[g.sensor[0]].building_subject_local;
    for (std::uint32_t l = 0; l < g.used; ++l) {
      const sensor_slot& s = m.sensors[g.sensor[l]];
      foldable = foldable && local != none && s.sensor_subject == none &&
                 s.building_subject_local == local;
    }
  }
  m.shared_interval = foldable ? m.groups.front().interval : 0;
  m.time_rows_foldable =
      foldable && m.shared_interval <= quarter && quarter % m.shared_interval == 0;
}

aggregator::~aggregator() = default;
aggregator::aggregator(aggregator&&) noexcept = default;
aggregator& aggregator::operator=(aggregator&&) noexcept = default;

void aggregator::add(const reading_rows& rows) {
  impl& m = *impl_;
  m.materialize();
  const std::size_t n = rows.size();
  impl::writer w{m};
  m.folded_valid = false;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t si = m.lookup(rows.sensor_id[i]);
    if (si == none) [[unlikely]] {
      w.finish(i);
      throw std::invalid_argument("aggregator: row " + std::to_string(i) + " references sensor " +
                                  rows.sensor_id[i].to_string() + ", which was not given");
    }
    w.put(m.sensors[si].code, rows.ts[i], rows.value[i]);
  }
  w.finish(n);
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
  const auto known = static_cast<std::uint32_t>(m.position_code.size() - 1);
  const std::uint32_t* code_of = m.position_code.data();
  impl::writer w{m};
  m.folded_valid = false;
  // One pass, the checks inside it: a position beyond the sensors reads `unknown_position`,
  // which stops the writer on its rare path, and a value too wide for a cell takes the wide
  // path. (A pass of its own over each block of 4,096 rows first, so that the row loop carried
  // neither check, cost more than the checks: without it the add of 1.07 × 10^7 raw rows took
  // 29.9 instead of 33.6 ms, median; docs/benchmarks.md, issue #18.)
  std::size_t i = 0;
  if (m.wants_time_rows(ts.data(), n)) {
    m.in_time_rows = true;
    i = m.put_time_rows(code_of, known, sensor_position.data(), ts.data(), value.data(), n, w);
    if (i < n && !w.stopped) m.materialize();  // the memory bound: the rest goes to tiles
  } else {
    m.materialize();
  }
  if (!w.stopped)
    for (; i < n; ++i)
      w.put(code_of[std::min(sensor_position[i], known)], ts[i], value[i]);
  if (w.stopped) [[unlikely]] {
    std::size_t stop = 0;
    while (sensor_position[stop] < known)
      ++stop;
    w.finish(stop);
    throw std::invalid_argument("aggregator: row " + std::to_string(stop) +
                                " has sensor position " + std::to_string(sensor_position[stop]) +
                                ", but " + std::to_string(known) + " sensors were given");
  }
  w.finish(n);
}

void aggregator::reserve(std::size_t rows) {
  impl_->expect_rows(rows);
}

namespace {
constexpr const char* merge_refused =
    "aggregator::merge: the other aggregator was built from different buildings, sensors or "
    "options (or is this one)";
}  // namespace

void aggregator::merge(const aggregator& other) {
  if (!impl::same_metadata(*impl_, *other.impl_)) throw std::invalid_argument(merge_refused);
  // `other`'s rows count as later: where both hold a (sensor, ts), its value wins.
  if (impl_->can_merge_time_rows(*other.impl_)) {
    impl_->merge_time_rows(*other.impl_, nullptr);
    return;
  }
  impl_->materialize();
  other.impl_->materialize();  // its readings stay the same, in tiles
  impl_->merge_grid(*other.impl_, nullptr);
}

void aggregator::merge(aggregator&& other) {
  if (!other.impl_ || !impl::same_metadata(*impl_, *other.impl_))
    throw std::invalid_argument(merge_refused);
  if (impl_->can_merge_time_rows(*other.impl_)) {
    impl_->merge_time_rows(*other.impl_, other.impl_.get());
    return;
  }
  impl_->materialize();
  other.impl_->materialize();
  impl_->merge_grid(*other.impl_, other.impl_.get());
}

std::vector<summary_row> aggregator::hourly() const {
  impl_->fold();
  std::vector<summary_row> out;
  out.reserve(impl_->folded.size());
  for (const hour_acc& a : impl_->folded)
    out.push_back(impl_->row_of(a));
  // Folded in key order (see `fold`); checking is linear, sorting is the fallback.
  if (!std::is_sorted(out.begin(), out.end(), summary_key_less))
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
std::int64_t aggregator::superseded() const noexcept {
  return impl_->superseded;
}
std::size_t aggregator::bucket_count() const {
  impl_->fold();
  return impl_->folded.size();
}

std::size_t aggregator::memory_bytes() const noexcept {
  const impl& m = *impl_;
  // Off-grid readings: a node (key, value, next pointer, cached hash) plus a bucket pointer each.
  constexpr std::size_t off_grid_entry = sizeof(reading_key) + sizeof(milli) + 3 * sizeof(void*);
  return m.arena.memory_bytes() + m.tiles.capacity() * sizeof(void*) + m.tile_index.memory_bytes() +
         m.off_grid.size() * off_grid_entry + m.off_grid.bucket_count() * sizeof(void*) +
         m.wide.size() * off_grid_entry + m.wide.bucket_count() * sizeof(void*) +
         m.folded.capacity() * sizeof(hour_acc) + m.sensors.capacity() * sizeof(sensor_slot) +
         m.groups.capacity() * sizeof(sensor_group) + m.cursors.capacity() * sizeof(group_cursor) +
         m.position_code.capacity() * sizeof(std::uint32_t) +
         m.position_slot.capacity() * sizeof(std::uint32_t) +
         m.subjects.capacity() * sizeof(subject_info) +
         m.subject_key_order.capacity() * sizeof(std::uint32_t) + m.sensor_index.memory_bytes() +
         m.buildings.capacity() * sizeof(building) +
         m.calendars.capacity() * sizeof(local_calendar) + m.time_row_cells * sizeof(cell_t) +
         m.windows.capacity() * sizeof(impl::time_window) +
         m.window_index.size() * (2 * sizeof(std::int64_t) + 2 * sizeof(void*));
}

aggregator::grid_layout aggregator::layout() const noexcept {
  return impl_->in_time_rows ? grid_layout::time_rows : grid_layout::tiles;
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
  const auto before = [](const summary_row* a, const summary_row* b) {
    return std::tie(a->scope, a->subject_id, a->type, a->period.start) <
           std::tie(b->scope, b->subject_id, b->type, b->period.start);
  };
  // The aggregator's own hour rows arrive in this order already: checking is linear.
  if (!std::is_sorted(order.begin(), order.end(), before))
    std::sort(order.begin(), order.end(), before);
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
