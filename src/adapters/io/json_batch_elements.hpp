// SPDX-License-Identifier: Apache-2.0
// Internal to src/adapters/io: the pieces of the JSON batch parser that the whole-document parse
// (json_batch.cpp) and the streamed reader (json_batch_stream.cpp) share, so both read elements
// and ignored values with one and the same code.
#pragma once

#include <energy/io/parsed_readings.hpp>

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace energy::io::json_detail {

namespace od = simdjson::ondemand;

/// Thrown inside the parser only; turned into parse_error with the location by its caller.
struct document_broken {
  simdjson::error_code code;
  std::string what;
};

/// Walks a value the batch does not use (an unknown key, another top-level field, a non-object
/// element), so invalid JSON anywhere breaks the document.
/// @throws document_broken
void check_skipped(od::value v, const char* where);

/// Reads the elements of a `readings` array into `out`, numbering them from `first_index`.
/// @throws document_broken when the array's JSON breaks.
void parse_array(od::array arr, parsed_readings& out, std::string_view source_name,
                 std::size_t first_index);

/// "SOURCE: malformed JSON at byte B (line L): WHAT[: simdjson's message]".
std::string malformed(std::string_view source_name, std::size_t byte, std::size_t line,
                      std::string_view what, simdjson::error_code code = simdjson::SUCCESS);

}  // namespace energy::io::json_detail
