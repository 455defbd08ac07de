// SPDX-License-Identifier: Apache-2.0
#include <energy/archive/object_store.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <thread>

namespace energy::archive {

namespace detail {
void check_key(std::string_view key);  // directory_store.cpp
}  // namespace detail
using detail::check_key;

namespace {

struct curl_global {
  curl_global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

struct response {
  long status = 0;
  std::string body;
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// Reverses the five XML entities S3 uses in ListObjectsV2 answers.
std::string xml_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    static constexpr std::pair<std::string_view, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (const auto& [ent, ch] : entities)
      if (s.substr(i, ent.size()) == ent) {
        out += ch;
        i += ent.size() - 1;
        done = true;
        break;
      }
    if (!done) out += '&';
  }
  return out;
}

std::vector<std::string> xml_values(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  // Built piecewise: g++ 12 -O3 warns falsely (-Wrestrict) on "<" + std::string(...).
  std::string open = "<", close = "</";
  open.append(tag).append(">");
  close.append(tag).append(">");
  for (std::size_t pos = 0; (pos = xml.find(open, pos)) != std::string_view::npos;) {
    const auto start = pos + open.size();
    const auto end = xml.find(close, start);
    if (end == std::string_view::npos) break;
    out.push_back(xml_unescape(xml.substr(start, end - start)));
    pos = end + close.size();
  }
  return out;
}

class s3_store final : public object_store {
 public:
  explicit s3_store(s3_config c) : c_(std::move(c)) {
    static curl_global init;
    if (c_.endpoint.empty() || c_.bucket.size() < 3 || c_.bucket.size() > 63 || c_.region.empty())
      throw std::invalid_argument(
          "s3_config: endpoint, bucket (3-63 characters) and region are required");
    while (!c_.endpoint.empty() && c_.endpoint.back() == '/')
      c_.endpoint.pop_back();
    if (c_.max_attempts < 1) c_.max_attempts = 1;
    if (c_.create_bucket) {
      auto r = request("PUT", bucket_url(), "", true);
      // 409 BucketAlreadyOwnedByYou / BucketAlreadyExists: the bucket is there.
      if (r.status != 200 && r.status != 409) fail("create bucket", r);
    }
  }

  void put(std::string_view key, std::string_view bytes) override {
    check_key(key);
    auto r = request("PUT", object_url(key), bytes, true);
    if (r.status != 200) fail("put " + std::string(key), r);
  }

  std::optional<std::string> get(std::string_view key) override {
    check_key(key);
    auto r = request("GET", object_url(key), {}, false);
    if (r.status == 404) return std::nullopt;
    if (r.status != 200) fail("get " + std::string(key), r);
    return std::move(r.body);
  }

  std::vector<std::string> list(std::string_view prefix) override {
    std::vector<std::string> keys;
    std::string token;
    for (;;) {
      // Query parameters in sorted order: SigV4's canonical query string sorts them.
      std::string url = bucket_url() + "?";
      if (!token.empty()) url += "continuation-token=" + escape(token) + "&";
      url += "list-type=2&prefix=" + escape(prefix);
      auto r = request("GET", url, {}, false);
      if (r.status != 200) fail("list " + std::string(prefix), r);
      for (auto& k : xml_values(r.body, "Key"))
        keys.push_back(std::move(k));
      const auto truncated = xml_values(r.body, "IsTruncated");
      const auto next = xml_values(r.body, "NextContinuationToken");
      if (truncated.empty() || truncated.front() != "true" || next.empty()) break;
      token = next.front();
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  void remove(std::string_view key) override {
    check_key(key);
    auto r = request("DELETE", object_url(key), {}, false);
    if (r.status != 204 && r.status != 200 && r.status != 404)
      fail("remove " + std::string(key), r);
  }

 private:
  std::string bucket_url() const { return c_.endpoint + "/" + c_.bucket; }

  static std::string escape(std::string_view s) {
    std::unique_ptr<char, decltype(&curl_free)> e(
        curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size())), &curl_free);
    return e ? std::string(e.get()) : std::string();
  }

  std::string object_url(std::string_view key) const {
    std::string url = bucket_url();
    std::size_t start = 0;
    while (start <= key.size()) {  // escape each segment, keep the '/' separators
      const auto end = std::min(key.find('/', start), key.size());
      url += '/';
      url += escape(key.substr(start, end - start));
      start = end + 1;
    }
    return url;
  }

  [[noreturn]] void fail(const std::string& what, const response& r) const {
    throw storage_error("s3 " + c_.bucket + ": " + what + ": HTTP " + std::to_string(r.status) +
                            " " + r.body.substr(0, 300),
                        r.status >= 500 || r.status == 429);
  }

  response request(const char* method, const std::string& url, std::string_view body,
                   bool send_body) {
    std::string last_error;
    for (int attempt = 1; attempt <= c_.max_attempts; ++attempt) {
      if (attempt > 1) std::this_thread::sleep_for(std::chrono::milliseconds(100 << (attempt - 2)));
      std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), &curl_easy_cleanup);
      if (!h) throw storage_error("s3: curl_easy_init failed", true);
      response r;
      const std::string sigv4 = "aws:amz:" + c_.region + ":s3";
      const std::string userpwd = c_.access_key + ":" + c_.secret_key;
      // curl 7.88 signs the hash of an empty body when this header is absent: sign it as unsigned.
      curl_slist* headers = curl_slist_append(nullptr, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
      if (send_body) {
        headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
        headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
      }
      std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hold(headers,
                                                                       &curl_slist_free_all);
      curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
      curl_easy_setopt(h.get(), CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt(h.get(), CURLOPT_AWS_SIGV4, sigv4.c_str());
      curl_easy_setopt(h.get(), CURLOPT_USERPWD, userpwd.c_str());
      curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt(h.get(), CURLOPT_TIMEOUT, static_cast<long>(c_.timeout.count()));
      curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, &collect);
      curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &r.body);
      if (send_body) {
        curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(body.size()));
      } else if (std::string_view(method) == "GET") {
        curl_easy_setopt(h.get(), CURLOPT_HTTPGET, 1L);
      }
      const CURLcode rc = curl_easy_perform(h.get());
      if (rc != CURLE_OK) {
        last_error = curl_easy_strerror(rc);
        continue;
      }
      curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &r.status);
      if ((r.status >= 500 || r.status == 429) && attempt < c_.max_attempts) continue;
      return r;
    }
    throw storage_error("s3 " + std::string(method) + " " + url + ": " + last_error + " after " +
                            std::to_string(c_.max_attempts) + " attempt(s)",
                        true);
  }

  s3_config c_;
};

}  // namespace

std::unique_ptr<object_store> open_s3_store(const s3_config& config) {
  return std::make_unique<s3_store>(config);
}

}  // namespace energy::archive
