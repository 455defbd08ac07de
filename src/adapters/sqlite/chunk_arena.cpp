// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/chunk_arena.hpp"

#include <cstdint>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace energy::sqlite_detail {

chunk_arena::~chunk_arena() {
  for (const block& b : blocks_)
    free_block(b);
}

chunk_arena::block chunk_arena::new_block() {
#ifdef __linux__
  // Map twice the size and trim to an aligned 2 MiB: huge pages need aligned ranges.
  void* raw =
      mmap(nullptr, 2 * block_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw != MAP_FAILED) {
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + block_bytes - 1) & ~(block_bytes - 1);
    if (aligned > start) (void)munmap(raw, aligned - start);
    const std::uintptr_t tail = aligned + block_bytes;
    if (start + 2 * block_bytes > tail)
      (void)munmap(reinterpret_cast<void*>(tail), start + 2 * block_bytes - tail);
    void* p = reinterpret_cast<void*>(aligned);
    (void)madvise(p, block_bytes, MADV_HUGEPAGE);  // a hint: without it, 4 KiB pages
    return {p, true};
  }
#endif
  return {::operator new (block_bytes, std::align_val_t{alignof(std::max_align_t)}), false};
}

void chunk_arena::free_block(const block& b) noexcept {
#ifdef __linux__
  if (b.mapped) {
    (void)munmap(b.base, block_bytes);
    return;
  }
#endif
  ::operator delete (b.base, std::align_val_t{alignof(std::max_align_t)});
}

void* chunk_arena::do_allocate(std::size_t bytes, std::size_t alignment) {
  if (bytes > block_bytes / 2) return ::operator new (bytes, std::align_val_t{alignment});
  for (;;) {
    if (current_ < blocks_.size()) {
      const std::size_t at = (used_ + alignment - 1) & ~(alignment - 1);
      if (at + bytes <= block_bytes) {
        used_ = at + bytes;
        return static_cast<char*>(blocks_[current_].base) + at;
      }
      if (current_ + 1 < blocks_.size()) {
        ++current_;
        used_ = 0;
        continue;
      }
    }
    blocks_.push_back(new_block());
    current_ = blocks_.size() - 1;
    used_ = 0;
  }
}

void chunk_arena::do_deallocate(void* p, std::size_t bytes, std::size_t alignment) {
  if (bytes > block_bytes / 2) ::operator delete (p, std::align_val_t{alignment});
}

void chunk_arena::rewind() noexcept {
  while (blocks_.size() > kept_blocks) {
    free_block(blocks_.back());
    blocks_.pop_back();
  }
  current_ = 0;
  used_ = 0;
}

}  // namespace energy::sqlite_detail
