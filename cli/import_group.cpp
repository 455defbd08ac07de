// SPDX-License-Identifier: Apache-2.0
#include "import_group.hpp"

namespace energy::cli {

void import_group::before_chunk() {
  if (group_ != nullptr && !open_) {
    open_ = group_->begin_bulk_group();
    rows_in_group_ = 0;
  }
}

void import_group::after_chunk(std::size_t rows, const ingest::ingest_report& total) {
  if (!open_) {
    committed_ = total;  // without a group every chunk committed on its own
    return;
  }
  rows_in_group_ += rows;
  if (rows_in_group_ >= rows_per_commit_) finish(total);
}

void import_group::finish(const ingest::ingest_report& total) {
  if (open_) {
    open_ = false;  // a failed commit leaves nothing open: the group is gone either way
    try {
      group_->commit_group();
    } catch (...) {
      group_->rollback_group();
      throw;
    }
  }
  committed_ = total;
}

void import_group::abandon() noexcept {
  if (!open_) return;
  open_ = false;
  group_->rollback_group();
}

}  // namespace energy::cli
