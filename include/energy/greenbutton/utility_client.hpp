// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <energy/billing/utility_bill.hpp>
#include <energy/enum_names.hpp>
#include <energy/error.hpp>
#include <energy/greenbutton/espi.hpp>
#include <energy/time.hpp>

namespace energy::greenbutton {

/// What to fetch from a utility.
struct usage_query {
  /// Green Button Connect Subscription id (from the OAuth token response's resourceURI).
  /// The file client ignores it.
  std::string subscription_id;
  /// Last path segment of the UsagePoint href ("1", "5446AF3F"); empty = every usage point.
  std::string usage_point_id;
  /// Intervals whose start lies in [range.start, range.end), bills whose period overlaps it. UTC.
  time_range range;
  /// Last path segment of a MeterReading href ("01"); with `usage_point_id`, the Connect client
  /// fetches only that meter's IntervalBlocks through the per-resource paths (see
  /// open_connect_client). Empty = every meter reading. The file client ignores it.
  std::string meter_reading_id;
};

/**
 * A utility's data for a building: interval usage and bills. Adapters: a directory of Green Button
 * files (`open_file_client`) and Green Button Connect over HTTPS (`open_connect_client`).
 *
 * Thread-safety: one client belongs to one thread at a time.
 */
class utility_client {
 public:
  virtual ~utility_client() = default;
  utility_client(const utility_client&) = delete;
  utility_client& operator=(const utility_client&) = delete;

  /**
   * Usage points, their meter readings (with ReadingType and LocalTimeParameters) and the
   * intervals in `q.range`; summaries and bills as the source returned them. When several files
   * or responses contribute, they are merged into one document (`source` lists them).
   * @throws parse_error for a malformed file or response; utility_error for transport failures;
   *         std::invalid_argument for an empty `q.range`.
   */
  [[nodiscard]] virtual document fetch_usage(const usage_query& q) = 0;

  /// The bills (from usage summaries) whose period overlaps `q.range`, ordered by period start.
  [[nodiscard]] virtual std::vector<billing::utility_bill> fetch_bills(const usage_query& q) = 0;

 protected:
  utility_client() = default;
};

/// A utility could not be reached or refused the request.
class utility_error : public error {
 public:
  utility_error(const std::string& what, long http_status, bool retryable)
      : error(what), http_status_(http_status), retryable_(retryable) {}
  /// HTTP status (401, 403, 404, 503, ...), or 0 when no response arrived (timeout, TLS, DNS).
  [[nodiscard]] long http_status() const noexcept { return http_status_; }
  /// True for failures a later call may not repeat (5xx, 429, timeouts, lost connections).
  [[nodiscard]] bool retryable() const noexcept { return retryable_; }

 private:
  long http_status_;
  bool retryable_;
};

/**
 * Green Button files: every `*.xml` in `directory` (not recursive), read at each call in file-name
 * order, so files dropped in later are seen.
 * @throws std::invalid_argument when `directory` is not a directory.
 */
[[nodiscard]] std::unique_ptr<utility_client> open_file_client(
    const std::filesystem::path& directory);

/// Which Atom timestamp the server filters entries on (ESPI query parameters).
enum class time_filter : std::uint8_t {
  published,  ///< `published-min`
  updated,    ///< `updated-min`
  none,
};
/// "published", "updated", "none"; parse with `parse<time_filter>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(time_filter f) noexcept;

struct connect_options {
  /// Data Custodian resource server base, e.g. "https://utility.example/DataCustodian".
  /// Paths "/espi/1_1/resource/..." are appended.
  std::string base_url;
  /// OAuth 2.0 access token, sent as "Authorization: Bearer <token>".
  std::string access_token;
  /// PEM file of CA certificates to trust instead of the system store (private CAs, tests).
  /// Certificate and host name verification are always on.
  std::string ca_file;
  /// Retries after a 5xx/429 response, a timeout or a lost connection (so at most 1 + this calls).
  int max_retries = 3;
  /// Wait before the first retry; doubled for each next one.
  std::chrono::milliseconds initial_backoff{500};
  /// Whole-request timeout.
  std::chrono::milliseconds timeout{60'000};
  /// The server filters on entry timestamps, not interval times: the client sends
  /// `<filter>-min=<range.start>` (nothing about the range can be published before it) and
  /// filters the intervals itself.
  time_filter filter = time_filter::published;
};

/**
 * Green Button Connect My Data retrieval over HTTPS (libcurl):
 * - usage: `GET {base}/espi/1_1/resource/Batch/Subscription/{subscription}/UsagePoint/{usage
 * point}` (or `.../Batch/Subscription/{subscription}` for every usage point);
 * - one meter (`meter_reading_id` set): `GET .../Subscription/{s}/UsagePoint/{u}/MeterReading/{m}`
 *   (for its ReadingType link), `GET .../ReadingType/{r}`, then
 *   `GET .../Subscription/{s}/UsagePoint/{u}/MeterReading/{m}/IntervalBlock` — no
 *   LocalTimeParameters or summaries come this way;
 * - bills: `GET {base}/espi/1_1/resource/Subscription/{subscription}/UsagePoint/{usage
 * point}/ElectricPowerUsageSummary` (the batch feed when no usage point is given). 401 →
 * utility_error "access token refused", 403 → "not authorised for this resource", 404 → "not found"
 * with the URL; none is retried.
 * @throws std::invalid_argument when base_url is not https:// or the token is empty.
 */
[[nodiscard]] std::unique_ptr<utility_client> open_connect_client(const connect_options& options);

/// Keeps only the intervals with start in `range` (every series of `doc`). Used by both clients.
void filter_intervals(document& doc, time_range range);

/// Appends `from` to `into`, re-indexing usage points, meter readings and summaries.
void merge_into(document& into, document&& from);

}  // namespace energy::greenbutton

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::greenbutton::time_filter>;

ENERGY_API_END
