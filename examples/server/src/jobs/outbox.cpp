// SPDX-License-Identifier: Apache-2.0
#include "jobs/outbox.hpp"

#include <algorithm>

namespace energy::server::jobs {

std::string_view to_string(channel c) noexcept {
  switch (c) {
    case channel::webhook:
      return "webhook";
    case channel::mqtt:
      return "mqtt";
    case channel::email:
      break;
  }
  return "email";
}

std::chrono::seconds retry_policy::delay_after(std::int64_t attempts) const noexcept {
  std::chrono::seconds d = first_delay;
  for (std::int64_t i = 1; i < attempts && d < max_delay; ++i)
    d *= 2;
  return std::min(d, max_delay);
}

namespace {

constexpr const char* columns =
    "id, tenant_id, alert_id, event, channel, target, secret, subject, body, state, attempts, "
    "next_attempt_at, last_error, created_at, sent_at";

notification read_row(const db::row& r) {
  notification n;
  n.id = uuid::parse(r.text(0));
  n.tenant_id = uuid::parse(r.text(1));
  n.alert_id = uuid::parse(r.text(2));
  n.event = r.text(3);
  const auto ch = r.text(4);
  n.channel = ch == "webhook" ? channel::webhook : ch == "mqtt" ? channel::mqtt : channel::email;
  n.target = r.text(5);
  n.secret = r.opt_text(6);
  n.subject = r.text(7);
  n.body = r.text(8);
  n.state = r.text(9);
  n.attempts = r.integer(10);
  n.next_attempt_at = r.integer(11);
  n.last_error = r.opt_text(12);
  n.created_at = r.integer(13);
  n.sent_at = r.opt_integer(14);
  return n;
}

}  // namespace

void outbox::enqueue(const notification& n) {
  db_.exec(
      std::string("INSERT INTO notification_outbox (") + columns +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, NULL, $11, NULL)",
      {n.id.to_string(), n.tenant_id.to_string(), n.alert_id.to_string(), n.event,
       std::string(to_string(n.channel)), n.target, n.secret ? db::value{*n.secret} : db::value{},
       n.subject, n.body, n.next_attempt_at, n.created_at});
}

std::vector<notification> outbox::claim_due(epoch_seconds now, std::size_t limit,
                                            std::int64_t claim_seconds) {
  std::vector<notification> claimed;
  const auto due = db_.query(std::string("SELECT ") + columns +
                                 " FROM notification_outbox WHERE state = 'pending' AND "
                                 "next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
                             {now, static_cast<std::int64_t>(limit)});
  for (const auto& r : due) {
    auto n = read_row(r);
    // Compare-and-set on next_attempt_at: of two workers that read the same row, one wins.
    if (db_.exec("UPDATE notification_outbox SET next_attempt_at = $3 WHERE id = $1 AND "
                 "state = 'pending' AND next_attempt_at = $2",
                 {n.id.to_string(), n.next_attempt_at, now + claim_seconds}) == 1)
      claimed.push_back(std::move(n));
  }
  return claimed;
}

void outbox::mark_sent(const uuid& id, epoch_seconds now) {
  db_.exec(
      "UPDATE notification_outbox SET state = 'sent', attempts = attempts + 1, sent_at = $2, "
      "last_error = NULL WHERE id = $1",
      {id.to_string(), now});
}

bool outbox::mark_failed(const notification& n, const std::string& error, epoch_seconds now,
                         const retry_policy& policy) {
  const std::int64_t attempts = n.attempts + 1;
  const bool give_up = attempts >= policy.max_attempts;
  db_.exec(
      "UPDATE notification_outbox SET state = $2, attempts = $3, next_attempt_at = $4, "
      "last_error = $5 WHERE id = $1",
      {n.id.to_string(), std::string(give_up ? "failed" : "pending"), attempts,
       now + policy.delay_after(attempts).count(), error});
  return give_up;
}

std::vector<notification> outbox::for_alert(const uuid& alert_id) {
  std::vector<notification> out;
  for (const auto& r : db_.query(std::string("SELECT ") + columns +
                                     " FROM notification_outbox WHERE alert_id = $1 ORDER BY "
                                     "created_at, event, channel, target",
                                 {alert_id.to_string()}))
    out.push_back(read_row(r));
  return out;
}

}  // namespace energy::server::jobs
