// SPDX-License-Identifier: Apache-2.0
// Notifications delivered for real: e-mail to aiosmtpd and webhooks to the local receiver that
// the CTest fixture started (receivers.py), which verifies the signatures itself.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include <energy/storage/open.hpp>

#include "jobs/alert_rules.hpp"
#include "jobs/delivery.hpp"
#include "jobs/outbox.hpp"
#include "jobs/schema.hpp"
#include "jobs/service.hpp"
#include "support/one_building.hpp"

using namespace energy;
using namespace energy::server;
using namespace energy::server::jobs;
namespace fs = std::filesystem;

namespace {

fs::path receivers() {
  const char* dir = std::getenv("ENERGY_TEST_RECEIVERS");
  REQUIRE(dir != nullptr);  // set by the CTest fixture; without it the test must fail, not skip
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string port(const std::string& name) {
  return slurp(receivers() / name);
}
std::string smtp_url() {
  return "smtp://127.0.0.1:" + port("smtp_port");
}
std::string webhook_base() {
  return "http://127.0.0.1:" + port("webhook_port");
}

/// Messages in the Maildir that contain `needle`, waiting up to 10 s for at least `want`.
std::vector<std::string> mails_with(const std::string& needle, std::size_t want) {
  std::vector<std::string> found;
  for (int i = 0; i < 100; ++i) {
    found.clear();
    for (const auto& e : fs::directory_iterator(receivers() / "maildir" / "new")) {
      auto text = slurp(e.path());
      if (text.find(needle) != std::string::npos) found.push_back(std::move(text));
    }
    if (found.size() >= want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return found;
}

/// Webhook requests whose body contains `needle` (the receiver writes each one atomically).
std::vector<nlohmann::json> hooks_with(const std::string& needle) {
  std::vector<nlohmann::json> found;
  const auto dir = receivers() / "webhooks";
  if (!fs::exists(dir)) return found;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto j = nlohmann::json::parse(slurp(f));
    if (j["body"].get<std::string>().find(needle) != std::string::npos) found.push_back(j);
  }
  return found;
}

notification sample(channel ch, std::string target) {
  return notification{.id = uuid::v7(),
                      .tenant_id = uuid::v7(),
                      .alert_id = uuid::v7(),
                      .event = "alert.opened",
                      .channel = ch,
                      .target = std::move(target),
                      .subject = "[energy] Alert: Kühlhaus Süd (threshold)",
                      .body = "line one\r\n.a line starting with a dot\r\nlast\r\n",
                      .next_attempt_at = 1000,
                      .created_at = 1000};
}

struct shared_file {
  fs::path path = fs::temp_directory_path() / ("energy-jobs-" + uuid::v7().to_string() + ".db");
  ~shared_file() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"})
      fs::remove(path.string() + suffix, ec);
  }
  [[nodiscard]] std::string uri() const { return "sqlite:" + path.string(); }
};

}  // namespace

TEST_CASE("delivery: an e-mail reaches the SMTP server intact, with an encoded subject") {
  settings s;
  s.smtp_url = smtp_url();
  const deliverer d(s);
  const auto n = sample(channel::email, "ops@example.test");
  const auto r = d.send(n, 1'700'000'000);
  INFO(r.error);
  REQUIRE(r.ok);
  const auto mails = mails_with(n.alert_id.to_string(), 1);
  REQUIRE(mails.size() == 1);
  CHECK_THAT(mails[0], Catch::Contains("X-RcptTo: ops@example.test"));
  CHECK_THAT(mails[0], Catch::Contains("Subject: =?UTF-8?B?"));
  CHECK_THAT(mails[0], Catch::Contains("\n.a line starting with a dot"));
  CHECK_THAT(mails[0], Catch::Contains("X-Energy-Event: alert.opened"));
}

TEST_CASE("delivery: a webhook carries a signature the receiver verifies independently") {
  const deliverer d(settings{});
  auto n = sample(channel::webhook, webhook_base() + "/ok?secret=k3y");
  n.secret = "k3y";
  n.body =
      nlohmann::json{{"event", "alert.opened"}, {"alert", {{"id", n.alert_id.to_string()}}}}.dump();
  REQUIRE(d.send(n, 0).ok);
  auto got = hooks_with(n.alert_id.to_string());
  REQUIRE(got.size() == 1);
  CHECK(got[0]["signature_valid"] == true);
  CHECK(got[0]["headers"]["x-energy-delivery"] == n.id.to_string());
  CHECK(got[0]["body"] == n.body);
  // Signed with another key, the receiver's check fails: the check is real.
  auto forged = n;
  forged.id = uuid::v7();
  forged.secret = "other";
  REQUIRE(d.send(forged, 0).ok);
  got = hooks_with(n.alert_id.to_string());
  REQUIRE(got.size() == 2);
  CHECK(got[1]["signature_valid"] == false);
}

TEST_CASE("delivery: failures say why: refused connection, HTTP status, no relay") {
  settings s;
  s.smtp_url = "smtp://127.0.0.1:1";
  s.notify_timeout = std::chrono::seconds{5};
  const deliverer d(s);
  auto r = d.send(sample(channel::email, "ops@example.test"), 0);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("smtp"));
  r = d.send(sample(channel::webhook, webhook_base() + "/always-500"), 0);
  CHECK_FALSE(r.ok);
  CHECK(r.error == "webhook: HTTP 500");
  r = deliverer(settings{}).send(sample(channel::email, "ops@example.test"), 0);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("ENERGY_SMTP_URL"));
}

TEST_CASE("delivery: the worker retries a failed webhook after its backoff, then it is sent") {
  shared_file file;
  auto db = db::open(file.uri());
  jobs::migrate(*db);
  settings s;
  s.notify_backoff = std::chrono::seconds{10};
  service svc(s, file.uri(), nullptr, nullptr);
  auto n = sample(channel::webhook, webhook_base() + "/fail-first");
  outbox(*db).enqueue(n);
  CHECK(svc.deliver_due(from_epoch(1000), *db) == 1);
  auto row = outbox(*db).for_alert(n.alert_id).front();
  CHECK(row.state == "pending");
  CHECK(row.attempts == 1);
  CHECK(row.last_error == "webhook: HTTP 500");
  CHECK(svc.deliver_due(from_epoch(1009), *db) == 0);  // backoff not over
  CHECK(svc.deliver_due(from_epoch(1010), *db) == 1);
  row = outbox(*db).for_alert(n.alert_id).front();
  CHECK(row.state == "sent");
  CHECK(row.attempts == 2);
  // The receiver saw the failed attempt and the successful one, both of this delivery.
  std::vector<int> statuses;
  for (const auto& h : hooks_with(""))
    if (h["headers"].value("x-energy-delivery", "") == n.id.to_string())
      statuses.push_back(h["status"].get<int>());
  CHECK(statuses == std::vector<int>{500, 200});
}

TEST_CASE("alerts end to end: evaluation opens once, notifies by e-mail and webhook, resolves") {
  shared_file file;
  auto store = storage::open_store_uri(file.uri());
  auto db = db::open(file.uri());
  jobs::migrate(*db);
  const auto setup = testing::put_one_building(*store, 1, "Europe/Berlin");
  const epoch_seconds hour_start = 1'700'006'400 + 10 * 3600;  // 11:00 Berlin
  reading_rows rows;
  for (int i = 0; i < 4; ++i)
    rows.push_back(setup.sensors[0], hour_start + 900 * i, 2500);
  store->write_readings(rows);  // 10 kWh in one local hour

  alert_rule rule{.id = uuid::v7(),
                  .tenant_id = setup.tenant_id,
                  .building_id = setup.building_id,
                  .name = "Hourly cap",
                  .threshold = 6000,
                  .emails = {"facilities@example.test"},
                  .webhook_url = webhook_base() + "/ok?secret=hook-secret",
                  .webhook_secret = "hook-secret",
                  .created_at = 1,
                  .updated_at = 1};
  alert_rules(*db).insert(rule);

  settings s;
  s.smtp_url = smtp_url();
  service svc(s, file.uri(), nullptr, nullptr);
  const auto now = from_epoch(hour_start + 3600 + 300);
  auto run = svc.run_now("alerts", now, *store, *db);
  REQUIRE(run.state == run_state::succeeded);
  CHECK(run.counts["opened"] == 1);
  CHECK(svc.deliver_due(now, *db) == 2);

  // Still holding five minutes later: no second alert, nothing new to send.
  run = svc.run_now("alerts", now + std::chrono::seconds{300}, *store, *db);
  CHECK(run.counts["opened"] == 0);
  CHECK(run.counts["still_open"] == 1);
  CHECK(svc.deliver_due(now + std::chrono::seconds{300}, *db) == 0);

  const auto alert_id =
      db->query("SELECT id FROM alerts WHERE config_id = $1", {rule.id.to_string()});
  REQUIRE(alert_id.size() == 1);
  const auto id = alert_id.front().text(0);
  CHECK(mails_with(id, 1).size() == 1);
  auto hooks = hooks_with(id);
  REQUIRE(hooks.size() == 1);
  CHECK(hooks[0]["signature_valid"] == true);
  CHECK(nlohmann::json::parse(hooks[0]["body"].get<std::string>())["event"] == "alert.opened");

  // Two hours later the hour is out of the judged span: resolved, and that is announced too.
  const auto later = now + std::chrono::seconds{2 * 3600};
  run = svc.run_now("alerts", later, *store, *db);
  CHECK(run.counts["resolved"] == 1);
  CHECK(svc.deliver_due(later, *db) == 2);
  CHECK(mails_with(id, 2).size() == 2);
  hooks = hooks_with(id);
  REQUIRE(hooks.size() == 2);
  CHECK(nlohmann::json::parse(hooks[1]["body"].get<std::string>())["event"] == "alert.resolved");
  CHECK(hooks[1]["signature_valid"] == true);
}
