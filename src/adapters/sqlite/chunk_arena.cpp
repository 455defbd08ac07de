// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/chunk_arena.hpp"

#include <cstdint>
#include <new>

#include "core/huge_block.hpp"

namespace energy::sqlite_detail {

chunk_arena::~chunk_arena() {
  for (const block& b : blocks_)
    free_block(b);
}

chunk_arena::block chunk_arena::new_block() {
  if (void* p = detail::map_huge_block()) return {p, true};
  return {::operator new (block_bytes, std::align_val_t{alignof(std::max_align_t)}), false};
}

void chunk_arena::free_block(const block& b) noexcept {
  if (b.mapped)
    detail::unmap_huge_block(b.base);
  else
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
