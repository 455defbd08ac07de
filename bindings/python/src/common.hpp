// SPDX-License-Identifier: Apache-2.0
// Conversions shared by the binding files. Bindings hold no logic: they rename, convert, and
// release the GIL around long C++ work.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <energy/enum_names.hpp>
#include <energy/money.hpp>
#include <energy/summary.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace energy::py {

namespace pyb = pybind11;

void bind_model(pyb::module_& m);
void bind_storage(pyb::module_& m);
void bind_ingest(pyb::module_& m);
void bind_aggregate(pyb::module_& m);
void bind_summarize(pyb::module_& m);
void bind_baseline(pyb::module_& m);
void bind_anomaly(pyb::module_& m);
void bind_billing(pyb::module_& m);
void bind_recommend(pyb::module_& m);
void bind_greenbutton(pyb::module_& m);  // defined only when energy::greenbutton is built

/// A 1-D float64 array, pandas Series or sequence as doubles (NaN stays NaN). @throws ValueError /
/// TypeError.
std::vector<double> to_doubles(const pyb::handle& values, const char* what);

/// An integer array or sequence (e.g. value_milli) as a C-contiguous int64 array, without a copy
/// when it already is one. @throws TypeError naming `what` for floats (never truncated) or
/// anything else that is not integers.
pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast> exact_int64s(
    const pyb::handle& values, const char* what);

/// A 1-D int64 array (e.g. value_milli) as a vector. @throws TypeError naming `what` (see
/// exact_int64s).
std::vector<std::int64_t> to_int64s(const pyb::handle& values, const char* what);

/// An exact amount from a str or decimal.Decimal ("0.135530", "$" not allowed). @throws ValueError
/// naming `what`.
money to_money(const pyb::handle& h, const char* what);

/// A UUID from a str or anything whose str() is canonical (uuid.UUID). @throws ValueError.
uuid to_uuid(const pyb::handle& h, const char* what);
/// The canonical text of `id` as a str, written straight into the new object (no std::string, no
/// UTF-8 decoding): `Sensor.id` in a list comprehension over 10^4 sensors is on users' hot path.
pyb::str uuid_text(const uuid& id);

/// An instant from an RFC 3339 str with offset, an int (epoch seconds), a time-zone-aware
/// datetime.datetime / pandas.Timestamp (whole seconds), or None (fallback).
/// @throws ValueError for naive or malformed text, a naive datetime or a fraction of a second.
utc_seconds to_instant(const pyb::handle& h, const char* what, utc_seconds fallback);

/// Summaries as numpy columns (start/end/local_start datetime64, exact int64 quantities).
pyb::dict summary_columns(std::vector<summary_row>&& rows);

/// Hands a vector to numpy without copying: the array owns the vector through a capsule.
template <class T>
pyb::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* owned = new std::vector<T>(std::move(v));
  pyb::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return pyb::array_t<T>({owned->size()}, {sizeof(T)}, owned->data(), owner);
}

/// Epoch seconds to a datetime64[ns] array, converted in place (no copy of the column).
pyb::array to_datetime64_ns(std::vector<std::int64_t>&& seconds);

/// A 1-D datetime64[ns] / int64 (ns since epoch, UTC) array as int64 nanoseconds, without a copy
/// when it is C-contiguous. Anything else (a tz-aware pandas DatetimeIndex / Series / DataFrame
/// index, a list of aware datetimes) goes through energy._timestamps.utc_ns, which converts it to
/// UTC and refuses naive times. @throws TypeError / ValueError naming `what` for other dtypes or
/// shapes.
pyb::array_t<std::int64_t> ns_values(const pyb::handle& ns, const char* what);

/// One nanosecond timestamp as epoch seconds. @throws ValueError naming `what`[i] for NaT or a
/// fraction.
std::int64_t ns_to_seconds(std::int64_t ns, const char* what, std::size_t i);

/// ns[0, k) as epoch seconds into out[0, k); element j is named `what`[first + j] in errors.
/// Readings of one instant come in runs (every sensor at ts, then the next ts), so an element
/// equal to the previous one reuses its seconds instead of dividing again.
/// @throws ValueError as ns_to_seconds.
void ns_to_seconds(const std::int64_t* ns, std::size_t k, std::int64_t* out, const char* what,
                   std::size_t first);

/// `given` (a positive int) or, when None, the interval inferred from `ts` as the smallest positive
/// gap between consecutive readings. A default here would silently mislabel hourly data as 15-min
/// (issue #10), so with fewer than two distinct instants and no `given` it raises ValueError.
std::int32_t interval_or_inferred(const pyb::handle& given, const std::vector<std::int64_t>& ts);

/// Timestamps as ns_values accepts them, to epoch seconds.
/// @throws ValueError naming the first element that is not a whole second or is NaT.
std::vector<std::int64_t> to_epoch_seconds(const pyb::handle& ns, const char* what);

/// A local calendar date: "YYYY-MM-DD" or a datetime.date (a datetime is refused: an instant is
/// not a date of the building). @throws ValueError / TypeError naming `what`.
std::chrono::year_month_day date_of(const pyb::handle& h, const char* what);

/// A tariff's holidays from Python: None (not known) or an iterable of dates as date_of reads
/// them (an empty one: the utility has none). @throws ValueError / TypeError naming holidays[i].
std::optional<std::vector<std::chrono::year_month_day>> holidays_of(const pyb::handle& dates);
/// The inverse: None, or a list of 'YYYY-MM-DD' strings.
pyb::object holidays_value(const std::optional<std::vector<std::chrono::year_month_day>>& days);

/// A 1-D array or sequence of UUID strings (or uuid.UUID) to uuids. @throws ValueError with the
/// index.
std::vector<uuid> to_uuids(const pyb::handle& ids, const char* what);

/// Sensor ids given as categorical codes into `categories` (pandas.Categorical: no str per row).
/// With `categories` None, `ids` is a sequence of UUID strings. @throws ValueError with the index.
std::vector<uuid> to_uuids(const pyb::handle& ids, const pyb::object& categories, const char* what);

/// A str argument as an `E`, by its name (energy/enum_names.hpp): Python strings are the C++ names.
/// @throws ValueError "<argument>: unknown <enum> '<text>' (accepted: ...)".
template <named_enum E>
[[nodiscard]] E enum_arg(std::string_view text, const char* argument) {
  try {
    return parse<E>(text);
  } catch (const parse_error& e) {
    throw pyb::value_error(std::string(argument) + ": " + e.what());
  }
}

}  // namespace energy::py
