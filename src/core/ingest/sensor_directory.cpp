// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/sensor_directory.hpp>

#include <bit>
#include <cstring>
#include <stdexcept>

namespace energy::ingest {
namespace {

struct halves {
  std::uint64_t hi, lo;
};

halves split(const uuid& id) noexcept {
  // Native byte order: only equality and the hash depend on it, both within one process.
  halves h{0, 0};
  std::memcpy(&h.hi, id.bytes().data(), 8);
  std::memcpy(&h.lo, id.bytes().data() + 8, 8);
  return h;
}

std::uint64_t mix(halves h) noexcept {
  // v7 ids share their leading timestamp bits; the random tail carries the entropy. A
  // multiply-xorshift spreads both halves over the table.
  std::uint64_t x = h.lo ^ (h.hi * 0x9E3779B97F4A7C15ULL);
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ULL;
  x ^= x >> 32;
  return x;
}

}  // namespace

sensor_directory::sensor_directory(std::vector<sensor> sensors) : sensors_(std::move(sensors)) {
  conversions_.reserve(sensors_.size());
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, sensors_.size() * 2));
  table_.assign(capacity, slot{});
  mask_ = capacity - 1;
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    const auto& s = sensors_[i];
    const halves h = split(s.id);
    for (std::uint64_t p = mix(h) & mask_;; p = (p + 1) & mask_) {
      slot& sl = table_[p];
      if (sl.index == slot::empty) {
        sl = slot{h.hi, h.lo, static_cast<std::uint32_t>(i)};
        break;
      }
      if (sl.hi == h.hi && sl.lo == h.lo)
        throw std::invalid_argument("sensor_directory: duplicate sensor id " + s.id.to_string());
    }
    conversions_.push_back(conversion_to_canonical(s.type, s.kind, s.unit));
  }
}

void sensor_directory::prefetch(const uuid& id) const noexcept {
  if (!table_.empty()) __builtin_prefetch(&table_[mix(split(id)) & mask_]);
}

std::optional<std::uint32_t> sensor_directory::index_of(const uuid& id) const noexcept {
  if (table_.empty()) return std::nullopt;
  const halves h = split(id);
  for (std::uint64_t p = mix(h) & mask_;; p = (p + 1) & mask_) {
    const slot& sl = table_[p];
    if (sl.index == slot::empty) return std::nullopt;
    if (sl.hi == h.hi && sl.lo == h.lo) return sl.index;
  }
}

}  // namespace energy::ingest
