// SPDX-License-Identifier: Apache-2.0
// The command line checked before any store is opened: a usage error must never create or open
// a database (an `energy.db` left behind by a typo, or a PostgreSQL connection for nothing).
#pragma once

#include "args.hpp"

namespace energy::cli {

/**
 * Checks `a` against the command's rules: known options only, required options present, values
 * of id options are UUIDs, date options are YYYY-MM-DD calendar dates, enumerated options
 * (--format, --resolution, ...) take one of their values, and the number of positional words.
 * The rules table in usage_check.cpp is the one list of each command's options (main runs this
 * before every command; the commands do not list them again). The commands check what needs the
 * store (a building that exists, a range that is not empty in the building's zone). @throws
 * usage_error naming the option or word.
 */
void check_usage(const args& a);

}  // namespace energy::cli
