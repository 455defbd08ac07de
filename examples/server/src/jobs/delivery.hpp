// SPDX-License-Identifier: Apache-2.0
// Delivering one notification: e-mail over SMTP and webhooks over HTTP(S), both with libcurl.
#pragma once

#include <string>
#include <string_view>

#include "jobs/outbox.hpp"
#include "jobs/settings.hpp"

namespace energy::server::jobs {

/// `sha256=<64 lower-case hex digits>`: HMAC-SHA256 of `body` keyed with `secret`, the value of
/// the X-Energy-Signature header. Receivers recompute it over the raw body bytes and compare in
/// constant time.
[[nodiscard]] std::string webhook_signature(std::string_view secret, std::string_view body);

/// The RFC 5322 message of an e-mail notification (headers, blank line, CRLF text).
[[nodiscard]] std::string email_message(const notification& n, std::string_view from,
                                        epoch_seconds now);

/// Outcome of one attempt; `error` says why it failed (curl's message, the SMTP/HTTP status).
struct delivery_result {
  bool ok = false;
  std::string error;
};

/**
 * Sends notifications, one attempt per call, with the settings' SMTP relay and timeout. A webhook
 * counts as delivered on any 2xx answer; redirects are not followed (a signed body must not be
 * re-posted elsewhere). Never throws for delivery failures; one object per thread.
 */
class deliverer {
 public:
  explicit deliverer(const settings& s);
  [[nodiscard]] delivery_result send(const notification& n, epoch_seconds now) const;

 private:
  [[nodiscard]] delivery_result send_email(const notification& n, epoch_seconds now) const;
  [[nodiscard]] delivery_result send_webhook(const notification& n) const;
  settings settings_;
};

/// curl_global_init once per process (before any thread uses curl).
void init_curl_once();

}  // namespace energy::server::jobs
