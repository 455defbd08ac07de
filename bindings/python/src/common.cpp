// SPDX-License-Identifier: Apache-2.0
#include "common.hpp"

#include <energy/storage/tariffs.hpp>

#include <fmt/format.h>

#include <cstring>
#include <limits>

namespace energy::py {

uuid to_uuid(const pyb::handle& h, const char* what) {
  const auto text = pyb::str(h).cast<std::string>();
  if (auto u = uuid::try_parse(text)) return *u;
  throw pyb::value_error(
      fmt::format("{}: '{}' is not a UUID (8-4-4-4-12 hexadecimal digits)", what, text));
}

pyb::str uuid_text(const uuid& id) {
  const auto text = id.to_chars();
  PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(text.size()), 127);  // ASCII
  if (s == nullptr) throw pyb::error_already_set();
  std::memcpy(PyUnicode_1BYTE_DATA(s), text.data(), text.size());
  return pyb::reinterpret_steal<pyb::str>(s);
}

utc_seconds to_instant(const pyb::handle& h, const char* what, utc_seconds fallback) {
  if (h.is_none()) return fallback;
  if (PyIndex_Check(h.ptr()) && !PyBool_Check(h.ptr()))  // int, numpy integer
    return from_epoch(pyb::int_(pyb::reinterpret_borrow<pyb::object>(h)).cast<std::int64_t>());
  if (pyb::hasattr(h, "tzinfo") && pyb::hasattr(h, "timestamp")) {  // datetime, pandas.Timestamp
    if (h.attr("tzinfo").is_none() || h.attr("utcoffset")().is_none())
      throw pyb::value_error(fmt::format(
          "{}: {} has no time zone (naive times are ambiguous at DST changes); localize it, e.g. "
          "pandas.Timestamp(...).tz_localize('America/Chicago')",
          what, pyb::str(h).cast<std::string>()));
    const double seconds = h.attr("timestamp")().cast<double>();
    if (seconds != static_cast<double>(static_cast<std::int64_t>(seconds)))
      throw pyb::value_error(fmt::format("{}: {} is not a whole second (energy stores seconds)",
                                         what, pyb::str(h).cast<std::string>()));
    return from_epoch(static_cast<std::int64_t>(seconds));
  }
  if (!pyb::isinstance<pyb::str>(h))
    throw pyb::type_error(fmt::format(
        "{}: expected an RFC 3339 str with offset, int epoch seconds or a time-zone-aware "
        "datetime, got {}",
        what, pyb::str(pyb::type::handle_of(h).attr("__name__")).cast<std::string>()));
  const auto text = pyb::str(h).cast<std::string>();
  if (auto t = parse_utc_timestamp(text)) return *t;
  throw pyb::value_error(
      fmt::format("{}: '{}' is not an RFC 3339 timestamp with a UTC offset (naive times are "
                  "ambiguous at DST changes)",
                  what, text));
}

pyb::array to_datetime64_ns(std::vector<std::int64_t>&& seconds) {
  // datetime64[ns] spans 1677-09-21 to 2262-04-11: outside it the product wraps into a
  // plausible wrong date (year 1000 came back as 2169), so such an instant is refused by name.
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1'000'000'000;
  for (std::size_t i = 0; i < seconds.size(); ++i) {
    if (seconds[i] >= limit || seconds[i] <= -limit)
      throw pyb::value_error(
          fmt::format("ts[{}]: {} lies outside what numpy's datetime64[ns] can hold (1677-09-21 to "
                      "2262-04-11 UTC); ask for a range within it",
                      i, format_utc(from_epoch(seconds[i]))));
  }
  for (auto& s : seconds)
    s *= 1'000'000'000;
  auto* owned = new std::vector<std::int64_t>(std::move(seconds));
  pyb::capsule owner(owned, [](void* p) { delete static_cast<std::vector<std::int64_t>*>(p); });
  return pyb::array(pyb::dtype("datetime64[ns]"), {owned->size()}, {sizeof(std::int64_t)},
                    owned->data(), owner);
}

pyb::array_t<std::int64_t> ns_values(const pyb::handle& given, const char* what) {
  // numpy arrays are read as they are (datetime64[ns] is UTC by contract); pandas objects and
  // sequences go through the Python helper, which knows their time zones.
  const pyb::array ns =
      pyb::isinstance<pyb::array>(given)
          ? pyb::reinterpret_borrow<pyb::array>(given)
          : pyb::array(pyb::module_::import("energy._timestamps").attr("utc_ns")(given, what));
  const auto kind = ns.dtype().kind();
  if (ns.ndim() != 1)
    throw pyb::value_error(
        fmt::format("{}: expected a 1-D array, got {} dimensions", what, ns.ndim()));
  if (kind != 'M' && kind != 'i')
    throw pyb::type_error(
        fmt::format("{}: expected datetime64[ns] or int64 nanoseconds, got dtype {}", what,
                    pyb::str(ns.dtype()).cast<std::string>()));
  if (kind == 'M' && pyb::str(ns.dtype()).cast<std::string>() != "datetime64[ns]")
    throw pyb::type_error(
        fmt::format("{}: expected datetime64[ns], got {} (convert with .astype('datetime64[ns]'))",
                    what, pyb::str(ns.dtype()).cast<std::string>()));
  const auto values =
      pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast>::ensure(
          kind == 'M' ? ns.attr("view")("int64") : pyb::object(ns));
  if (!values) throw pyb::type_error(fmt::format("{}: cannot read as int64 nanoseconds", what));
  return values;
}

std::int64_t ns_to_seconds(std::int64_t ns, const char* what, std::size_t i) {
  if (ns == std::numeric_limits<std::int64_t>::min())
    throw pyb::value_error(fmt::format("{}[{}]: NaT (missing timestamp)", what, i));
  if (ns % 1'000'000'000 != 0)
    throw pyb::value_error(
        fmt::format("{}[{}]: {} ns is not a whole second (energy stores seconds)", what, i, ns));
  return ns / 1'000'000'000;
}

void ns_to_seconds(const std::int64_t* ns, std::size_t k, std::int64_t* out, const char* what,
                   std::size_t first) {
  if (k == 0) return;
  std::int64_t last_ns = ns[0] ^ 1;  // differs from the first element
  std::int64_t last_seconds = 0;
  for (std::size_t j = 0; j < k; ++j) {
    __builtin_prefetch(ns + j + 128);  // the column streams from memory (3-4 % of the step)
    const std::int64_t v = ns[j];
    if (v != last_ns) {
      // Inline whole-second check; anything else (NaT, a fraction) takes the call that names the
      // element in its error.
      const std::int64_t whole = v / 1'000'000'000;
      last_seconds = whole * 1'000'000'000 == v && v != std::numeric_limits<std::int64_t>::min()
                         ? whole
                         : ns_to_seconds(v, what, first + j);
      last_ns = v;
    }
    out[j] = last_seconds;
  }
}

std::vector<std::int64_t> to_epoch_seconds(const pyb::handle& ns, const char* what) {
  const auto values = ns_values(ns, what);
  const auto n = static_cast<std::size_t>(values.size());
  std::vector<std::int64_t> out(n);
  ns_to_seconds(values.data(), n, out.data(), what, 0);
  return out;
}

std::vector<uuid> to_uuids(const pyb::handle& ids, const char* what) {
  std::vector<uuid> out;
  const auto seq = pyb::reinterpret_borrow<pyb::iterable>(ids);
  if (pyb::hasattr(ids, "__len__")) out.reserve(pyb::len(ids));
  std::size_t i = 0;
  for (const auto& item : seq) {
    std::string text;
    if (PyUnicode_Check(item.ptr())) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(item.ptr(), &size);
      text.assign(data, static_cast<std::size_t>(size));
    } else {
      text = pyb::str(item).cast<std::string>();
    }
    auto u = uuid::try_parse(text);
    if (!u) throw pyb::value_error(fmt::format("{}[{}]: '{}' is not a UUID", what, i, text));
    out.push_back(*u);
    ++i;
  }
  return out;
}

std::vector<uuid> to_uuids(const pyb::handle& ids, const pyb::object& categories,
                           const char* what) {
  if (categories.is_none()) return to_uuids(ids, what);
  const auto cats = to_uuids(categories, "sensor_categories");
  const auto codes =
      pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast>::ensure(ids);
  if (!codes || codes.ndim() != 1)
    throw pyb::type_error(fmt::format("{}: expected a 1-D integer array of codes", what));
  std::vector<uuid> out(static_cast<std::size_t>(codes.size()));
  const auto* c = codes.data();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (c[i] < 0 || static_cast<std::size_t>(c[i]) >= cats.size())
      throw pyb::value_error(
          fmt::format("{}[{}]: code {} has no category (missing sensor id?)", what, i, c[i]));
    out[i] = cats[static_cast<std::size_t>(c[i])];
  }
  return out;
}

}  // namespace energy::py

namespace energy::py {

std::vector<double> to_doubles(const pyb::handle& values, const char* what) {
  const auto arr =
      pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>::ensure(values);
  if (!arr) throw pyb::type_error(fmt::format("{}: expected a 1-D array of numbers", what));
  if (arr.ndim() != 1)
    throw pyb::value_error(
        fmt::format("{}: expected a 1-D array, got {} dimensions", what, arr.ndim()));
  return {arr.data(), arr.data() + arr.size()};
}

pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast> exact_int64s(
    const pyb::handle& values, const char* what) {
  // forcecast alone would truncate 1.7 to 1: float kWh passed where integer Wh belong would come
  // back a thousand times too small without a word, so floats are refused by name.
  const pyb::array as_array =
      pyb::isinstance<pyb::array>(values)
          ? pyb::reinterpret_borrow<pyb::array>(values)
          : pyb::array(pyb::module_::import("numpy").attr("asarray")(values));
  const char kind = as_array.dtype().kind();
  if (kind != 'i' && kind != 'u' && kind != 'b')
    throw pyb::type_error(fmt::format(
        "{}: expected integers (int64 thousandths of the unit, e.g. Wh), got dtype {}; round "
        "float kWh with energy.energy_milli(kwh)",
        what, pyb::str(as_array.dtype()).cast<std::string>()));
  return pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast>::ensure(as_array);
}

std::vector<std::int64_t> to_int64s(const pyb::handle& values, const char* what) {
  const auto arr = exact_int64s(values, what);
  if (!arr) throw pyb::type_error(fmt::format("{}: expected a 1-D integer array", what));
  if (arr.ndim() != 1)
    throw pyb::value_error(
        fmt::format("{}: expected a 1-D array, got {} dimensions", what, arr.ndim()));
  return {arr.data(), arr.data() + arr.size()};
}

money to_money(const pyb::handle& h, const char* what) {
  const auto text = pyb::str(h).cast<std::string>();
  if (auto m = money::parse(text)) return *m;
  throw pyb::value_error(fmt::format(
      "{}: '{}' is not an exact decimal amount (pass a str or decimal.Decimal)", what, text));
}

std::int32_t interval_or_inferred(const pyb::handle& given, const std::vector<std::int64_t>& ts) {
  if (!given.is_none()) {
    const auto v = given.cast<std::int64_t>();
    if (v <= 0 || v > 31 * 86400)
      throw pyb::value_error(
          fmt::format("interval_seconds: {} is not a positive interval of at most 31 days", v));
    return static_cast<std::int32_t>(v);
  }
  std::int64_t smallest = 0;
  for (std::size_t i = 1; i < ts.size(); ++i) {
    const std::int64_t gap = ts[i] > ts[i - 1] ? ts[i] - ts[i - 1] : ts[i - 1] - ts[i];
    if (gap > 0 && (smallest == 0 || gap < smallest)) smallest = gap;
  }
  if (smallest == 0)
    throw pyb::value_error(
        "interval_seconds: pass it (it cannot be inferred from fewer than two distinct "
        "timestamps)");
  // Daily rows at local midnights are 23 h apart across a spring-forward change: still days.
  if (smallest == 23 * 3600) {
    for (std::size_t i = 1; i < ts.size(); ++i)
      if (ts[i] - ts[i - 1] == 86400) return 86400;
  }
  if (smallest > 31 * 86400)
    throw pyb::value_error(fmt::format(
        "interval_seconds: the smallest gap between readings is {} s; pass the interval",
        smallest));
  return static_cast<std::int32_t>(smallest);
}

/// A local calendar date: "YYYY-MM-DD" or a datetime.date (not a datetime: an instant is not a
/// date of the building). @throws ValueError / TypeError naming `what`.
std::chrono::year_month_day date_of(const pyb::handle& h, const char* what) {
  const auto datetime = pyb::module_::import("datetime");
  std::string text;
  if (pyb::isinstance(h, datetime.attr("datetime")))
    throw pyb::value_error(fmt::format(
        "{}: a local calendar date of the building ('2016-07-01' or datetime.date), not an "
        "instant ({})",
        what, pyb::str(h).cast<std::string>()));
  if (pyb::isinstance(h, datetime.attr("date")))
    text = pyb::str(h.attr("isoformat")()).cast<std::string>();
  else if (pyb::isinstance<pyb::str>(h))
    text = h.cast<std::string>();
  else
    throw pyb::type_error(
        fmt::format("{}: expected 'YYYY-MM-DD' or datetime.date, got {}", what,
                    pyb::str(pyb::type::handle_of(h).attr("__name__")).cast<std::string>()));
  if (auto d = storage::parse_date(text)) return *d;
  throw pyb::value_error(fmt::format("{}: '{}' is not a calendar date YYYY-MM-DD", what, text));
}

std::optional<std::vector<std::chrono::year_month_day>> holidays_of(const pyb::handle& dates) {
  if (dates.is_none()) return std::nullopt;
  if (pyb::isinstance<pyb::str>(dates))
    throw pyb::type_error("holidays: expected a list of dates, got one string");
  std::vector<std::chrono::year_month_day> out;
  std::size_t i = 0;
  for (const auto& h : pyb::iter(dates))
    out.push_back(date_of(h, fmt::format("holidays[{}]", i++).c_str()));
  return out;
}

pyb::object holidays_value(const std::optional<std::vector<std::chrono::year_month_day>>& days) {
  if (!days) return pyb::none();
  pyb::list out;
  for (const auto& d : *days)
    out.append(storage::format_date(d));
  return out;
}

}  // namespace energy::py
