// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/chunk_functions.hpp"

#include <algorithm>
#include <new>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "adapters/sqlite/reading_chunk.hpp"

namespace energy::sqlite_detail {
namespace {

void span_of_interval(sqlite3_context* ctx, int, sqlite3_value** args) {
  sqlite3_result_int64(ctx, chunk_span(sqlite3_value_int64(args[0])));
}

/// The aggregate's state, in SQLite's aggregate context (zeroed memory until the first step).
struct encode_state {
  std::vector<chunk_reading>* readings;
  epoch_seconds span_start;
};

void encode_step(sqlite3_context* ctx, int, sqlite3_value** args) {
  auto* state = static_cast<encode_state*>(sqlite3_aggregate_context(ctx, sizeof(encode_state)));
  if (state == nullptr) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  try {
    if (state->readings == nullptr) {
      state->readings = new std::vector<chunk_reading>();
      state->span_start = sqlite3_value_int64(args[0]);
    }
    state->readings->push_back({sqlite3_value_int64(args[1]), sqlite3_value_int64(args[2]),
                                static_cast<std::uint32_t>(sqlite3_value_int64(args[3]))});
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  }
}

void encode_final(sqlite3_context* ctx) {
  auto* state = static_cast<encode_state*>(sqlite3_aggregate_context(ctx, 0));
  if (state == nullptr || state->readings == nullptr) {
    sqlite3_result_null(ctx);
    return;
  }
  std::vector<chunk_reading>& v = *state->readings;
  try {
    std::sort(v.begin(), v.end(),
              [](const chunk_reading& a, const chunk_reading& b) { return a.ts < b.ts; });
    const bool in_span =
        v.front().ts >= state->span_start && v.back().ts - state->span_start < 86400;
    const bool distinct =
        std::adjacent_find(v.begin(), v.end(), [](const chunk_reading& a, const chunk_reading& b) {
          return a.ts == b.ts;
        }) == v.end();
    if (!in_span || !distinct) {
      sqlite3_result_error(
          ctx, "energy_encode_chunk: readings repeat a timestamp or leave the span", -1);
    } else {
      std::string out;
      encode_chunk(v, state->span_start, out);
      sqlite3_result_blob64(ctx, out.data(), out.size(), SQLITE_TRANSIENT);
    }
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  }
  delete state->readings;
  state->readings = nullptr;
}

void check(sqlite3* db, int rc) {
  if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
}

}  // namespace

void register_chunk_functions(sqlite3* db) {
  constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  check(db, sqlite3_create_function_v2(db, "energy_chunk_span", 1, flags, nullptr, span_of_interval,
                                       nullptr, nullptr, nullptr));
  check(db, sqlite3_create_function_v2(db, "energy_encode_chunk", 4, flags, nullptr, nullptr,
                                       encode_step, encode_final, nullptr));
}

}  // namespace energy::sqlite_detail
