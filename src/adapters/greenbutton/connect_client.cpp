// SPDX-License-Identifier: Apache-2.0
// Green Button Connect My Data over HTTPS with libcurl.
#include <energy/greenbutton/utility_client.hpp>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <curl/curl.h>
#include <fmt/format.h>

#include "client_common.hpp"
#include "core/enum_table.hpp"

namespace energy::greenbutton {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// Percent-encodes one path segment (ids come from tokens and configuration, not from us).
std::string encode_segment(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

struct curl_deleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

bool retryable_curl(CURLcode c) noexcept {
  switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

class connect_client final : public utility_client {
 public:
  explicit connect_client(connect_options o) : o_(std::move(o)) {
    while (!o_.base_url.empty() && o_.base_url.back() == '/')
      o_.base_url.pop_back();
  }

  document fetch_usage(const usage_query& q) override {
    detail::check_query(q);
    if (!q.meter_reading_id.empty()) return fetch_meter(q);
    document d = detail::select_usage_point(get_document(batch_path(q), q), q.usage_point_id);
    filter_intervals(d, q.range);
    return d;
  }

  std::vector<billing::utility_bill> fetch_bills(const usage_query& q) override {
    detail::check_query(q);
    const std::string path =
        q.usage_point_id.empty()
            ? batch_path(q)
            : fmt::format(
                  "/espi/1_1/resource/Subscription/{}/UsagePoint/{}/ElectricPowerUsageSummary",
                  encode_segment(q.subscription_id), encode_segment(q.usage_point_id));
    // The summary collection of one usage point holds no UsagePoint entry to select by: take all.
    return detail::bills_overlapping(get_document(path, q), q.range);
  }

 private:
  connect_options o_;

  /// One meter through the per-resource paths: its MeterReading entry names the ReadingType, and
  /// the IntervalBlock collection (a feed of blocks without their MeterReading) gets both attached.
  document fetch_meter(const usage_query& q) {
    if (q.subscription_id.empty() || q.usage_point_id.empty())
      throw std::invalid_argument(
          "Green Button Connect: meter_reading_id needs subscription_id and usage_point_id");
    const std::string mr_path =
        fmt::format("/espi/1_1/resource/Subscription/{}/UsagePoint/{}/MeterReading/{}",
                    encode_segment(q.subscription_id), encode_segment(q.usage_point_id),
                    encode_segment(q.meter_reading_id));
    usage_query unfiltered = q;
    unfiltered.range.start = utc_seconds{};  // metadata entries are published once, long before
    const document mr_doc = get_document(mr_path, unfiltered);
    if (mr_doc.meter_readings.empty())
      throw parse_error(
          fmt::format("{}: the response holds no MeterReading", url_for(mr_path, unfiltered)));
    meter_reading meta = mr_doc.meter_readings[0];
    if (!meta.type && !meta.reading_type_href.empty()) {
      const document rt_doc =
          get_document("/espi/1_1/resource/" + meta.reading_type_href, unfiltered);
      if (!rt_doc.reading_types.empty()) meta.type = rt_doc.reading_types[0];
    }
    document d = get_document(mr_path + "/IntervalBlock", q);
    if (d.meter_readings.empty()) {  // no blocks at all: keep the meter with an empty series
      d.meter_readings.push_back(meter_reading{});
      if (d.usage_points.empty()) d.usage_points.push_back(usage_point{});
      d.usage_points[0].meter_readings.push_back(0);
      d.meter_readings[0].usage_point = 0;
    }
    auto& m = d.meter_readings[0];
    m.href = meta.href;
    m.title = meta.title;
    m.type = meta.type;
    m.reading_type_href = meta.reading_type_href;
    if (!m.type)
      d.issues.push_back(
          {url_for(mr_path, unfiltered), "no ReadingType could be fetched: values stay raw"});
    filter_intervals(d, q.range);
    return d;
  }

  std::string batch_path(const usage_query& q) const {
    if (q.subscription_id.empty())
      throw std::invalid_argument("Green Button Connect: usage_query::subscription_id is empty");
    std::string p = "/espi/1_1/resource/Batch/Subscription/" + encode_segment(q.subscription_id);
    if (!q.usage_point_id.empty()) p += "/UsagePoint/" + encode_segment(q.usage_point_id);
    return p;
  }

  std::string url_for(const std::string& path, const usage_query& q) const {
    std::string url = o_.base_url + path;
    if (o_.filter != time_filter::none && q.range.start != utc_seconds{})
      url += fmt::format("?{}-min={}", to_string(o_.filter), format_utc(q.range.start));
    return url;
  }

  document get_document(const std::string& path, const usage_query& q) {
    const std::string url = url_for(path, q);
    const std::string body = get_with_retries(url);
    return parse_buffer(body, url);
  }

  std::string get_with_retries(const std::string& url) {
    auto backoff = o_.initial_backoff;
    for (int attempt = 0;; ++attempt) {
      try {
        return get_once(url);
      } catch (const utility_error& e) {
        if (!e.retryable() || attempt >= o_.max_retries) {
          if (attempt == 0) throw;
          throw utility_error(fmt::format("{} (after {} attempts)", e.what(), attempt + 1),
                              e.http_status(), e.retryable());
        }
      }
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }

  std::string get_once(const std::string& url) {
    std::unique_ptr<CURL, curl_deleter> h(curl_easy_init());
    if (!h) throw utility_error("Green Button Connect: curl_easy_init failed", 0, false);
    std::unique_ptr<curl_slist, slist_deleter> headers;
    curl_slist* l =
        curl_slist_append(nullptr, ("Authorization: Bearer " + o_.access_token).c_str());
    l = curl_slist_append(l, "Accept: application/atom+xml");
    headers.reset(l);
    std::string body;
    char err[CURL_ERROR_SIZE] = {};
    CURL* c = h.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION,
                     0L);  // never replay the bearer token to another host
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!o_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // gzip when offered: batch feeds are large
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      throw utility_error(
          fmt::format("GET {}: {} ({})", url, err[0] != '\0' ? err : curl_easy_strerror(rc),
                      curl_easy_strerror(rc)),
          0, retryable_curl(rc));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return body;
    switch (status) {
      case 401:
        throw utility_error(
            fmt::format("GET {}: 401 access token refused (expired or revoked? refresh it)", url),
            status, false);
      case 403:
        throw utility_error(
            fmt::format(
                "GET {}: 403 the token is not authorised for this resource (scope or subscription)",
                url),
            status, false);
      case 404:
        throw utility_error(
            fmt::format("GET {}: 404 not found (check the subscription and usage point ids)", url),
            status, false);
      default:
        break;
    }
    const bool retry = status >= 500 || status == 429;
    throw utility_error(fmt::format("GET {}: HTTP {}", url, status), status, retry);
  }
};

}  // namespace

std::unique_ptr<utility_client> open_connect_client(const connect_options& options) {
  if (options.base_url.rfind("https://", 0) != 0)
    throw std::invalid_argument(fmt::format(
        "Green Button Connect: base_url '{}' must start with https://", options.base_url));
  if (options.access_token.empty())
    throw std::invalid_argument("Green Button Connect: access_token is empty");
  if (options.max_retries < 0)
    throw std::invalid_argument("Green Button Connect: max_retries is negative");
  global_init();
  return std::make_unique<connect_client>(options);
}

namespace {
// "published" and "updated" name the ESPI query parameters published-min and updated-min.
constexpr auto time_filter_names = energy::detail::make_enum_table<time_filter>(
    "time_filter", {{time_filter::published, "published"},
                    {time_filter::updated, "updated"},
                    {time_filter::none, "none"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(time_filter) noexcept {
  return time_filter_names;
}
std::string_view to_string(time_filter v) noexcept {
  return time_filter_names.name(v);
}

}  // namespace energy::greenbutton

template struct energy::detail::enum_names<energy::greenbutton::time_filter>;
