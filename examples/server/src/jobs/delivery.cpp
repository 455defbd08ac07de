// SPDX-License-Identifier: Apache-2.0
#include "jobs/delivery.hpp"
#include "jobs/mqtt_channel.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <mutex>

namespace energy::server::jobs {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string webhook_signature(std::string_view secret, std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac.data(), &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0xF];
  }
  return out;
}

namespace {

/// Header values must not carry line breaks (header injection); the config routes refuse them
/// already, this is the last line of defence.
std::string one_line(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '\r', ' ');
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

/// RFC 2047 encoded-word for a non-ASCII subject.
std::string encode_header(std::string_view s) {
  if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return std::string(s);
  std::string b64(4 * ((s.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  b64.resize(static_cast<std::size_t>(n));
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string rfc5322_date(epoch_seconds now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 64> buf{};
  std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf.data();
}

struct curl_deleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using curl_ptr = std::unique_ptr<CURL, curl_deleter>;
using slist_ptr = std::unique_ptr<curl_slist, slist_deleter>;

struct upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* u = static_cast<upload*>(user);
  const std::size_t n = std::min(size * count, u->data.size() - u->offset);
  std::memcpy(buffer, u->data.data() + u->offset, n);
  u->offset += n;
  return n;
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

slist_ptr append(slist_ptr list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (!grown) throw std::bad_alloc();
  (void)list.release();
  return slist_ptr(grown);
}

}  // namespace

std::string email_message(const notification& n, std::string_view from, epoch_seconds now) {
  std::string m;
  m += "Date: " + rfc5322_date(now) + "\r\n";
  m += "From: <" + one_line(from) + ">\r\n";
  m += "To: <" + one_line(n.target) + ">\r\n";
  m += "Subject: " + encode_header(one_line(n.subject)) + "\r\n";
  m += "Message-ID: <" + n.id.to_string() + "@energy-server>\r\n";
  m += "X-Energy-Event: " + one_line(n.event) + "\r\n";
  m += "X-Energy-Alert: " + n.alert_id.to_string() + "\r\n";
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  m += n.body;
  if (!m.ends_with("\r\n")) m += "\r\n";
  return m;
}

deliverer::deliverer(const settings& s) : settings_(s) {
  init_curl_once();
}

delivery_result deliverer::send(const notification& n, epoch_seconds now) const {
  try {
    switch (n.channel) {
      case channel::email:
        return send_email(n, now);
      case channel::webhook:
        return send_webhook(n);
      case channel::mqtt:
        break;
    }
    const auto* mqtt = installed_mqtt_channel();
    if (mqtt == nullptr) return {false, "MQTT alerts are not configured (ENERGY_MQTT_ALERT_TOPIC)"};
    auto error = mqtt->publish(n.target, n.body);
    return {error.empty(), std::move(error)};
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

delivery_result deliverer::send_email(const notification& n, epoch_seconds now) const {
  if (settings_.smtp_url.empty()) return {false, "no SMTP relay configured (ENERGY_SMTP_URL)"};
  curl_ptr c(curl_easy_init());
  if (!c) return {false, "curl_easy_init failed"};
  const std::string message = email_message(n, settings_.smtp_from, now);
  upload body{message};
  const std::string from = "<" + one_line(settings_.smtp_from) + ">";
  slist_ptr rcpt = append(nullptr, "<" + one_line(n.target) + ">");
  curl_easy_setopt(c.get(), CURLOPT_URL, settings_.smtp_url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c.get(), CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c.get(), CURLOPT_READDATA, &body);
  curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, static_cast<long>(settings_.notify_timeout.count()));
  if (!settings_.smtp_user.empty()) {
    curl_easy_setopt(c.get(), CURLOPT_USERNAME, settings_.smtp_user.c_str());
    curl_easy_setopt(c.get(), CURLOPT_PASSWORD, settings_.smtp_password.c_str());
    // Credentials only over TLS: STARTTLS is required on smtp://, implicit on smtps://.
    curl_easy_setopt(c.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  }
  const CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) {
    long code = 0;
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &code);
    return {false, std::string("smtp: ") + curl_easy_strerror(rc) +
                       (code ? " (server answered " + std::to_string(code) + ")" : "")};
  }
  return {true, {}};
}

delivery_result deliverer::send_webhook(const notification& n) const {
  if (!n.target.starts_with("https://") && !n.target.starts_with("http://"))
    return {false, "webhook URL is not http(s): " + n.target};
  curl_ptr c(curl_easy_init());
  if (!c) return {false, "curl_easy_init failed"};
  slist_ptr headers = append(nullptr, "Content-Type: application/json");
  headers = append(std::move(headers), "X-Energy-Event: " + one_line(n.event));
  headers = append(std::move(headers), "X-Energy-Delivery: " + n.id.to_string());
  if (n.secret)
    headers =
        append(std::move(headers), "X-Energy-Signature: " + webhook_signature(*n.secret, n.body));
  curl_easy_setopt(c.get(), CURLOPT_URL, n.target.c_str());
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, n.body.data());
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(n.body.size()));
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, static_cast<long>(settings_.notify_timeout.count()));
  const CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) return {false, std::string("webhook: ") + curl_easy_strerror(rc)};
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) return {false, "webhook: HTTP " + std::to_string(status)};
  return {true, {}};
}

}  // namespace energy::server::jobs
