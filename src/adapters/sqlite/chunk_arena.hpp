// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite: the memory of the reading chunks a chunk_store holds between write-
// backs.
#pragma once

#include <cstddef>
#include <memory_resource>
#include <vector>

#include "core/huge_block.hpp"

namespace energy::sqlite_detail {

/**
 * A bump allocator over 2 MiB blocks that ask for transparent huge pages, rewound at once when the
 * chunks it holds are written back. An import holds tens of thousands of decoded chunks per bulk
 * group (24 MiB at the bound); from the heap, every 4 KiB page of them costs a first-touch fault,
 * which on a virtual machine is several microseconds: measured, the import of 10^6 raw rows took
 * 17,300 faults, and asking for huge pages for its heap cut its wall time by about a fifth.
 *
 * deallocate() frees nothing but allocations larger than a block (taken from the heap); the rest
 * goes at rewind(), which keeps a few blocks mapped for the next round and unmaps the others, so
 * memory after a write-back is bounded whatever the peak was. Without huge pages (another OS, or
 * mmap refused) blocks come from the heap. Not thread-safe (one per chunk_store).
 */
class chunk_arena final : public std::pmr::memory_resource {
 public:
  static constexpr std::size_t block_bytes = detail::huge_block;
  /// Blocks kept mapped across rewind(): what one bulk group of a small import needs.
  static constexpr std::size_t kept_blocks = 4;

  chunk_arena() = default;
  chunk_arena(const chunk_arena&) = delete;
  chunk_arena& operator=(const chunk_arena&) = delete;
  ~chunk_arena() override;

  /// Forgets every allocation (none may be used afterwards) and keeps kept_blocks blocks.
  void rewind() noexcept;

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override;
  void do_deallocate(void* p, std::size_t bytes, std::size_t alignment) override;
  [[nodiscard]] bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }

  struct block {
    void* base = nullptr;
    bool mapped = false;  // from mmap (else from the heap)
  };
  static block new_block();
  static void free_block(const block& b) noexcept;

  std::vector<block> blocks_;
  std::size_t current_ = 0;  // the block being filled, an index into blocks_
  std::size_t used_ = 0;     // bytes of it handed out
};

}  // namespace energy::sqlite_detail
