// SPDX-License-Identifier: Apache-2.0
// Green Button Connect client against a local HTTPS server (tests/integration/greenbutton/
// gbc_server.py) started by this process on 127.0.0.1 with a self-signed certificate made by
// `openssl req` at test time. No network beyond loopback.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <energy/greenbutton/utility_client.hpp>

extern char** environ;

using namespace energy;
using namespace energy::greenbutton;

namespace {

namespace fs = std::filesystem;

const fs::path inland = fs::path(ENERGY_TEST_DATA_DIR) / "greenbutton" /
                        "Inland_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_8.xml";
constexpr const char* token = "test-token-7f3a";

/// Starts the server once per test process; stops it (the pid it started) at exit.
class https_server {
 public:
  static https_server& get() {
    static https_server s;
    return s;
  }
  [[nodiscard]] bool ok() const { return pid_ > 0 && port_ > 0; }
  [[nodiscard]] std::string base_url() const {
    return "https://127.0.0.1:" + std::to_string(port_) + "/DataCustodian";
  }
  [[nodiscard]] std::string ca_file() const { return (dir_ / "cert.pem").string(); }
  [[nodiscard]] std::string log() const {
    std::ifstream in(dir_ / "requests.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string why_not;

  https_server(const https_server&) = delete;
  https_server& operator=(const https_server&) = delete;
  ~https_server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;

  https_server() {
    if (!fs::exists("/usr/bin/openssl") || !fs::exists("/usr/bin/python3")) {
      why_not = "openssl or /usr/bin/python3 missing";
      return;
    }
    if (!fs::exists(inland)) {
      why_not = "shared sample data missing";
      return;
    }
    std::string tmpl = (fs::temp_directory_path() / "energy-gbc-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      why_not = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    const std::string cmd =
        "/usr/bin/openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
        (dir_ / "key.pem").string() + "' -out '" + (dir_ / "cert.pem").string() +
        "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      why_not = "openssl req failed";
      return;
    }
    const std::string script =
        std::string(ENERGY_SOURCE_DIR) + "/tests/integration/greenbutton/gbc_server.py";
    const std::string port_file = (dir_ / "port").string();
    std::vector<std::string> argv_s{"/usr/bin/python3",
                                    script,
                                    "--cert",
                                    ca_file(),
                                    "--key",
                                    (dir_ / "key.pem").string(),
                                    "--feed",
                                    inland.string(),
                                    "--token",
                                    token,
                                    "--port-file",
                                    port_file,
                                    "--log",
                                    (dir_ / "requests.log").string()};
    std::vector<char*> argv;
    for (auto& a : argv_s)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      why_not = "posix_spawn failed";
      return;
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream in(port_file);
      in >> port_;
    }
    if (port_ == 0) why_not = "server did not start within 10 s";
  }
};

connect_options options() {
  auto& s = https_server::get();
  connect_options o;
  o.base_url = s.base_url();
  o.access_token = token;
  o.ca_file = s.ca_file();
  o.initial_backoff = std::chrono::milliseconds(20);
  o.timeout = std::chrono::milliseconds(10'000);
  return o;
}

#define REQUIRE_SERVER()               \
  do {                                 \
    INFO(https_server::get().why_not); \
    REQUIRE(https_server::get().ok()); \
  } while (false)

usage_query january(const std::string& subscription = "83e269c1") {
  return {subscription,
          "1",
          {from_epoch(1293868800), from_epoch(1293868800 + 31 * 86400)},
          ""};  // Jan 2011, Pacific
}

}  // namespace

TEST_CASE("Connect usage comes over HTTPS with the bearer token, filtered to the requested range",
          "[greenbutton][connect][integration]") {
  REQUIRE_SERVER();
  auto client = open_connect_client(options());
  const document d = client->fetch_usage(january());
  REQUIRE(d.meter_readings.size() == 1);
  const auto& s = d.meter_readings[0].readings;
  CHECK(s.size() == 744);
  CHECK(s.start.front() == 1293868800);
  CHECK(s.start.back() == 1293868800 + 743 * 3600);
  CHECK(d.usage_points.at(0).local_time->tz_offset == -28800);
  CHECK(https_server::get().log().find(
            "/DataCustodian/espi/1_1/resource/Batch/Subscription/83e269c1/UsagePoint/1"
            "?published-min=2011-01-01T08:00:00Z") != std::string::npos);
}

TEST_CASE(
    "one meter's IntervalBlocks come through the per-resource paths with its ReadingType attached",
    "[greenbutton][connect][integration]") {
  REQUIRE_SERVER();
  auto client = open_connect_client(options());
  usage_query q = january();
  q.meter_reading_id = "01";
  const document d = client->fetch_usage(q);
  REQUIRE(d.meter_readings.size() == 1);
  const auto& m = d.meter_readings[0];
  CHECK(m.href == "RetailCustomer/8/UsagePoint/1/MeterReading/01");
  REQUIRE(m.type);
  CHECK(m.type->uom == uom::watt_hour);
  CHECK(m.type->interval_length == 3600);
  CHECK(m.readings.size() == 744);
  CHECK(to_reading_rows(m, uuid{}).rows.size() == 744);
  const std::string log = https_server::get().log();
  CHECK(log.find("/DataCustodian/espi/1_1/resource/ReadingType/07\n") != std::string::npos);
  CHECK(log.find("/Subscription/83e269c1/UsagePoint/1/MeterReading/01/"
                 "IntervalBlock?published-min=2011-01-01T08:00:00Z") != std::string::npos);
}

TEST_CASE("Connect bills come from the usage point's ElectricPowerUsageSummary collection",
          "[greenbutton][connect][integration]") {
  REQUIRE_SERVER();
  auto client = open_connect_client(options());
  usage_query q{"83e269c1", "1", {from_epoch(1320000000), from_epoch(1330000000)}, ""};
  const auto bills = client->fetch_bills(q);
  REQUIRE(bills.size() == 1);
  CHECK(bills[0].consumption == 765'490);
  q.range = january().range;  // no bill overlaps January
  CHECK(client->fetch_bills(q).empty());
}

TEST_CASE("5xx responses are retried with backoff and then succeed",
          "[greenbutton][connect][integration]") {
  REQUIRE_SERVER();
  auto client = open_connect_client(options());
  const document d = client->fetch_usage(january("flaky"));  // 503, 503, then the feed
  CHECK(d.meter_readings.at(0).readings.size() == 744);
}

TEST_CASE("a server that stays down gives a retryable error after the configured retries",
          "[greenbutton][connect][integration]") {
  REQUIRE_SERVER();
  auto o = options();
  o.max_retries = 2;
  auto client = open_connect_client(o);
  try {
    (void)client->fetch_usage(january("down"));
    FAIL("no exception");
  } catch (const utility_error& e) {
    CHECK(e.http_status() == 503);
    CHECK(e.retryable());
    CHECK(std::string(e.what()).find("after 3 attempts") != std::string::npos);
  }
}

TEST_CASE("401, 403 and 404 are clear, non-retryable errors",
          "[greenbutton][connect][integration]") {
  REQUIRE_SERVER();
  auto check = [](connect_options o, const usage_query& q, long status, const std::string& words) {
    auto client = open_connect_client(o);
    try {
      (void)client->fetch_usage(q);
      FAIL("no exception");
    } catch (const utility_error& e) {
      INFO(e.what());
      CHECK(e.http_status() == status);
      CHECK_FALSE(e.retryable());
      CHECK(std::string(e.what()).find(words) != std::string::npos);
    }
  };
  auto bad = options();
  bad.access_token = "expired";
  check(bad, january(), 401, "access token refused");
  auto other = options();
  other.access_token = "other-customer";
  check(other, january(), 403, "not authorised");
  check(options(), january("no-such-subscription"), 404, "404 not found");
  check(options(), january("no-such-subscription"), 404,
        "Batch/Subscription/no-such-subscription/UsagePoint/1");
}

TEST_CASE("timeouts are retryable errors, a malformed response is a parse_error naming the URL",
          "[greenbutton][connect][integration]") {
  REQUIRE_SERVER();
  auto o = options();
  o.timeout = std::chrono::milliseconds(300);
  o.max_retries = 0;
  try {
    (void)open_connect_client(o)->fetch_usage(january("slow"));
    FAIL("no exception");
  } catch (const utility_error& e) {
    CHECK(e.http_status() == 0);
    CHECK(e.retryable());
  }
  CHECK_THROWS_WITH(open_connect_client(options())->fetch_usage(january("garbage")),
                    Catch::Contains("Batch/Subscription/garbage/UsagePoint/1") &&
                        Catch::Contains("malformed XML"));
}

TEST_CASE("the server certificate is verified: without the test CA the request fails",
          "[greenbutton][connect][integration]") {
  REQUIRE_SERVER();
  auto o = options();
  o.ca_file.clear();  // system store only: the self-signed test certificate is not trusted
  try {
    (void)open_connect_client(o)->fetch_usage(january());
    FAIL("no exception");
  } catch (const utility_error& e) {
    CHECK(e.http_status() == 0);
    CHECK_FALSE(e.retryable());
  }
  connect_options plain = options();
  plain.base_url = "http://127.0.0.1/x";
  CHECK_THROWS_AS(open_connect_client(plain), std::invalid_argument);
  connect_options no_token = options();
  no_token.access_token.clear();
  CHECK_THROWS_AS(open_connect_client(no_token), std::invalid_argument);
}
