// SPDX-License-Identifier: Apache-2.0
// Private to the library (core and adapters): 2 MiB memory blocks that ask for transparent huge
// pages, for structures that fill tens of MB at once (the aggregator's tiles, the SQLite adapter's
// held reading chunks): on a virtual machine every first-touched 4 KiB page costs microseconds.
#pragma once

#include <cstddef>
#include <cstdint>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace energy::detail {

/// Bytes of a huge block: one transparent huge page.
inline constexpr std::size_t huge_block = std::size_t{2} << 20;

/// A zeroed, 2 MiB-aligned mapping of huge_block bytes (release with unmap_huge_block), or nullptr
/// (then the caller falls back to the heap).
inline void* map_huge_block() noexcept {
#ifdef __linux__
  // Map twice the size and trim to an aligned 2 MiB: huge pages need aligned ranges.
  void* raw =
      mmap(nullptr, 2 * huge_block, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + huge_block - 1) & ~(huge_block - 1);
  if (aligned > start) (void)munmap(raw, aligned - start);
  const std::uintptr_t tail = aligned + huge_block;
  if (start + 2 * huge_block > tail)
    (void)munmap(reinterpret_cast<void*>(tail), start + 2 * huge_block - tail);
  void* p = reinterpret_cast<void*>(aligned);
  (void)madvise(p, huge_block, MADV_HUGEPAGE);  // a hint: without it, 4 KiB pages
  return p;
#else
  return nullptr;
#endif
}

/// Releases a block from map_huge_block.
inline void unmap_huge_block(void* p) noexcept {
#ifdef __linux__
  (void)munmap(p, huge_block);
#else
  (void)p;
#endif
}

}  // namespace energy::detail
