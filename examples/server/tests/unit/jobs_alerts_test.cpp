// SPDX-License-Identifier: Apache-2.0
// Alert history and the outbox: one unresolved alert per (config, condition), notifications
// enqueued with the alert change, retries with backoff, tenant scoping.
#include <catch2/catch.hpp>

#include "jobs/alert_book.hpp"
#include "jobs/alert_rules.hpp"
#include "jobs/outbox.hpp"
#include "jobs/schema.hpp"

using namespace energy;
using namespace energy::server;
using namespace energy::server::jobs;

namespace {

std::unique_ptr<db::connection> jobs_db() {
  auto c = db::open("sqlite::memory:");
  jobs::migrate(*c);
  return c;
}

alert_rule sample_rule() {
  alert_rule r;
  r.id = uuid::v7();
  r.tenant_id = uuid::v7();
  r.building_id = uuid::v7();
  r.name = "Lobby";
  r.threshold = 5000;
  r.emails = {"ops@example.test", "facilities@example.test"};
  r.webhook_url = "http://127.0.0.1:9/hook";
  r.webhook_secret = "s3cret";
  r.created_at = r.updated_at = 100;
  return r;
}

finding holding(bool holds) {
  finding f{.what = condition::threshold, .holds = holds};
  f.summary = holds ? "8.000 kWh above 5.000 kWh" : "within 5.000 kWh";
  return f;
}

}  // namespace

TEST_CASE("alerts: a condition that keeps holding opens one alert and notifies once") {
  auto c = jobs_db();
  alert_book book(*c);
  const auto rule = sample_rule();
  CHECK(book.apply(rule, holding(true), 1000) == alert_change::opened);
  CHECK(book.apply(rule, holding(true), 1900) == alert_change::still_open);
  CHECK(book.apply(rule, holding(true), 2800) == alert_change::still_open);
  const auto open = book.list(rule.tenant_id, std::string("open"), 10);
  REQUIRE(open.size() == 1);
  CHECK(open[0].opened_at == 1000);
  CHECK(open[0].last_seen_at == 2800);
  const auto sent = outbox(*c).for_alert(open[0].id);
  REQUIRE(sent.size() == 3);  // two e-mails and one webhook, once
  for (const auto& n : sent)
    CHECK(n.event == "alert.opened");
  CHECK(sent[2].channel == channel::webhook);
  CHECK(sent[2].secret == "s3cret");
  const auto doc = nlohmann::json::parse(sent[2].body);
  CHECK(doc["event"] == "alert.opened");
  CHECK(doc["alert"]["id"] == open[0].id.to_string());
}

TEST_CASE("alerts: when the condition clears the alert resolves, keeps its history, notifies") {
  auto c = jobs_db();
  alert_book book(*c);
  const auto rule = sample_rule();
  REQUIRE(book.apply(rule, holding(true), 1000) == alert_change::opened);
  CHECK(book.apply(rule, holding(false), 1900) == alert_change::resolved);
  CHECK(book.apply(rule, holding(false), 2800) == alert_change::none);
  const auto all = book.list(rule.tenant_id, std::nullopt, 10);
  REQUIRE(all.size() == 1);
  CHECK(all[0].state == "resolved");
  CHECK(all[0].resolved_at == 1900);
  CHECK(outbox(*c).for_alert(all[0].id).size() == 6);  // opened ×3, resolved ×3
  // Holding again later opens a new alert: history keeps both.
  CHECK(book.apply(rule, holding(true), 3700) == alert_change::opened);
  CHECK(book.list(rule.tenant_id, std::nullopt, 10).size() == 2);
}

TEST_CASE("alerts: a finding that cannot be judged leaves the alert as it is") {
  auto c = jobs_db();
  alert_book book(*c);
  const auto rule = sample_rule();
  REQUIRE(book.apply(rule, holding(true), 1000) == alert_change::opened);
  finding unknown{.what = condition::threshold, .error = std::string("no data")};
  CHECK(book.apply(rule, unknown, 1900) == alert_change::none);
  CHECK(book.list(rule.tenant_id, std::string("open"), 10).size() == 1);
}

TEST_CASE("alerts: the database refuses a second unresolved alert for one config and condition") {
  auto c = jobs_db();
  alert_book book(*c);
  const auto rule = sample_rule();
  REQUIRE(book.apply(rule, holding(true), 1000) == alert_change::opened);
  CHECK_THROWS_AS(c->exec("INSERT INTO alerts (id, tenant_id, building_id, config_id, condition, "
                          "state, severity, summary, details, opened_at, last_seen_at) VALUES "
                          "('x', 't', 'b', $1, 'threshold', 'open', 'warning', '', '{}', 1, 1)",
                          {rule.id.to_string()}),
                  db::constraint_violation);
}

TEST_CASE("alerts: acknowledging records who and why, another tenant sees nothing") {
  auto c = jobs_db();
  alert_book book(*c);
  const auto rule = sample_rule();
  REQUIRE(book.apply(rule, holding(true), 1000) == alert_change::opened);
  const auto id = book.list(rule.tenant_id, std::nullopt, 1).front().id;
  const uuid stranger = uuid::v7();
  CHECK_FALSE(book.acknowledge(stranger, id, "mallory", "mine", 1100));
  CHECK_FALSE(book.get(stranger, id));
  CHECK(book.list(stranger, std::nullopt, 10).empty());
  const auto acked = book.acknowledge(rule.tenant_id, id, "ops@example.test", "on it", 1200);
  REQUIRE(acked);
  CHECK(acked->state == "acknowledged");
  CHECK(acked->acknowledged_by == "ops@example.test");
  CHECK(acked->ack_comment == "on it");
  CHECK(acked->acknowledged_at == 1200);
  // Still unresolved: holding again does not open a second one; clearing resolves it.
  CHECK(book.apply(rule, holding(true), 1900) == alert_change::still_open);
  CHECK(book.apply(rule, holding(false), 2800) == alert_change::resolved);
  CHECK(book.get(rule.tenant_id, id)->acknowledged_by == "ops@example.test");
}

TEST_CASE("alerts: the alert list pages newest first with a cursor") {
  auto c = jobs_db();
  alert_book book(*c);
  auto rule = sample_rule();
  for (int i = 0; i < 5; ++i) {
    REQUIRE(book.apply(rule, holding(true), 1000 + 10 * i) == alert_change::opened);
    REQUIRE(book.apply(rule, holding(false), 1005 + 10 * i) == alert_change::resolved);
  }
  const auto first = book.list(rule.tenant_id, std::nullopt, 2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].opened_at == 1040);
  const auto next = book.list(rule.tenant_id, std::nullopt, 10,
                              std::make_pair(first[1].opened_at, first[1].id.to_string()));
  REQUIRE(next.size() == 3);
  CHECK(next[0].opened_at == 1020);
}

TEST_CASE("outbox: due rows are claimed once, retried with doubling delays, then given up") {
  auto c = jobs_db();
  outbox box(*c);
  notification n{.id = uuid::v7(),
                 .tenant_id = uuid::v7(),
                 .alert_id = uuid::v7(),
                 .event = "alert.opened",
                 .channel = channel::email,
                 .target = "ops@example.test",
                 .subject = "s",
                 .body = "b",
                 .next_attempt_at = 100,
                 .created_at = 100};
  box.enqueue(n);
  CHECK(box.claim_due(99, 10, 60).empty());
  auto claimed = box.claim_due(100, 10, 60);
  REQUIRE(claimed.size() == 1);
  CHECK(box.claim_due(100, 10, 60).empty());  // claimed: another worker skips it
  const retry_policy policy{.max_attempts = 3, .first_delay = std::chrono::seconds{30}};
  CHECK(policy.delay_after(1) == std::chrono::seconds{30});
  CHECK(policy.delay_after(2) == std::chrono::seconds{60});
  CHECK(policy.delay_after(30) == std::chrono::seconds{3600});
  CHECK_FALSE(box.mark_failed(claimed[0], "connection refused", 110, policy));
  CHECK(box.claim_due(139, 10, 60).empty());
  claimed = box.claim_due(140, 10, 60);
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].attempts == 1);
  CHECK(claimed[0].last_error == "connection refused");
  CHECK_FALSE(box.mark_failed(claimed[0], "connection refused", 150, policy));
  claimed = box.claim_due(210, 10, 60);
  REQUIRE(claimed.size() == 1);
  CHECK(box.mark_failed(claimed[0], "connection refused", 220, policy));  // third: gives up
  CHECK(box.claim_due(100'000, 10, 60).empty());
  const auto rows = box.for_alert(n.alert_id);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].state == "failed");
  CHECK(rows[0].attempts == 3);
}

TEST_CASE("alert configs: stored and read back exactly, scoped by tenant") {
  auto c = jobs_db();
  alert_rules rules(*c);
  auto r = sample_rule();
  r.peak_demand = 150'000;
  r.gap_seconds = 3600;
  r.flatline_seconds = 0;
  r.deviation_percent = 20;
  r.window = alert_window::day;
  rules.insert(r);
  const auto back = rules.get(r.tenant_id, r.id);
  REQUIRE(back);
  CHECK(back->threshold == 5000);
  CHECK(back->peak_demand == 150'000);
  CHECK(back->flatline_seconds == 0);
  CHECK(back->window == alert_window::day);
  CHECK(back->emails == r.emails);
  CHECK(back->conditions().size() == 5);
  CHECK_FALSE(rules.get(uuid::v7(), r.id));
  r.enabled = false;
  r.name = "renamed";
  r.updated_at = 200;
  CHECK(rules.update(r));
  CHECK(rules.get(r.tenant_id, r.id)->name == "renamed");
  CHECK(rules.get(r.tenant_id, r.id)->created_at == 100);
  CHECK(rules.all_enabled().empty());
  auto other = r;
  other.tenant_id = uuid::v7();
  CHECK_FALSE(rules.update(other));
  CHECK_FALSE(rules.remove(other.tenant_id, r.id));
  CHECK(rules.remove(r.tenant_id, r.id));
  CHECK(rules.for_building(r.tenant_id, r.building_id).empty());
}

TEST_CASE("alerts: removing a condition from its config closes its unresolved alert") {
  auto c = jobs_db();
  alert_book book(*c);
  const auto rule = sample_rule();
  REQUIRE(book.apply(rule, holding(true), 1000) == alert_change::opened);
  finding gap{.what = condition::data_gap, .holds = true, .summary = "silent"};
  REQUIRE(book.apply(rule, gap, 1000) == alert_change::opened);
  // Another tenant cannot close them.
  CHECK(book.close_unjudged(uuid::v7(), rule.id, {}, 1100) == 0);
  CHECK(book.close_unjudged(rule.tenant_id, rule.id, {condition::threshold}, 1200) == 1);
  const auto open = book.list(rule.tenant_id, std::string("open"), 10);
  REQUIRE(open.size() == 1);
  CHECK(open[0].what == condition::threshold);
  const auto closed = book.list(rule.tenant_id, std::string("resolved"), 10);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].resolved_at == 1200);
  CHECK_THAT(closed[0].summary, Catch::Contains("no longer evaluates"));
  CHECK(book.close_unjudged(rule.tenant_id, rule.id, {}, 1300) == 1);
  CHECK(book.list(rule.tenant_id, std::string("open"), 10).empty());
}

TEST_CASE("alerts: text with invalid UTF-8 from older rows is replaced, never stops the alert") {
  // Config names and summaries stored before names were checked for UTF-8 may hold any bytes;
  // the webhook body and the stored details are JSON text, which nlohmann's dump() refuses.
  auto c = jobs_db();
  alert_book book(*c);
  auto rule = sample_rule();
  rule.name = "Lobby \xff";
  finding f = holding(true);
  f.details = {{"note", "meter \xfe"}};
  CHECK(book.apply(rule, f, 1000) == alert_change::opened);
  CHECK(book.apply(rule, f, 1900) == alert_change::still_open);  // the details are updated too
  const auto open = book.list(rule.tenant_id, std::string("open"), 10);
  REQUIRE(open.size() == 1);
  CHECK(open[0].details["note"] == "meter \xEF\xBF\xBD");
  const auto sent = outbox(*c).for_alert(open[0].id);
  REQUIRE(sent.size() == 3);
  const auto doc = nlohmann::json::parse(sent[2].body);
  CHECK(doc["alert"]["config_name"] == "Lobby \xEF\xBF\xBD");
  CHECK(doc["alert"]["details"]["note"] == "meter \xEF\xBF\xBD");
}
