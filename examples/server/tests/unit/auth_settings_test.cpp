// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <map>

#include "auth/password.hpp"
#include "auth/settings.hpp"

using namespace energy::server::auth;

namespace {

settings read(const std::map<std::string, std::string>& env) {
  return settings::from_environment([&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

}  // namespace

TEST_CASE("with no variables set the settings are the documented defaults", "[auth][settings]") {
  const auto s = read({});
  CHECK(s.keys.empty());
  CHECK(s.access_ttl == std::chrono::hours(24));
  CHECK(s.refresh_ttl == std::chrono::hours(24 * 30));
  CHECK(s.issuer == "energy-server");
  CHECK(s.admin_email == "admin@localhost");
  CHECK(s.cors_origins.empty());
  CHECK(environment_variables().size() >= 10);
}

TEST_CASE("JWT keys are read as kid:secret pairs and the signing kid defaults to the first",
          "[auth][settings]") {
  const std::string a(32, 'a'), b(44, 'b');
  auto s = read({{"ENERGY_JWT_KEYS", "k2:" + a + ", k1:" + b}});
  REQUIRE(s.keys.size() == 2);
  CHECK(s.keys[0].kid == "k2");
  CHECK(s.keys[1].secret == b);
  CHECK(s.signing_kid == "k2");
  s = read({{"ENERGY_JWT_KEYS", "k2:" + a + ",k1:" + b}, {"ENERGY_JWT_SIGNING_KID", "k1"}});
  CHECK(s.signing_kid == "k1");
}

TEST_CASE("bad settings are refused naming the variable", "[auth][settings]") {
  const std::string a(32, 'a');
  const auto refused = [](const std::map<std::string, std::string>& env, const char* variable) {
    try {
      (void)read(env);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what()).find(variable) == 0;
    }
    return false;
  };
  CHECK(refused({{"ENERGY_JWT_KEYS", "k1:short"}}, "ENERGY_JWT_KEYS"));
  CHECK(refused({{"ENERGY_JWT_KEYS", a}}, "ENERGY_JWT_KEYS"));
  CHECK(refused({{"ENERGY_JWT_KEYS", "k1:" + a + ",k1:" + a}}, "ENERGY_JWT_KEYS"));
  CHECK(refused({{"ENERGY_JWT_KEYS", "k 1:" + a}}, "ENERGY_JWT_KEYS"));
  CHECK(refused({{"ENERGY_JWT_KEYS", "k1:" + a}, {"ENERGY_JWT_SIGNING_KID", "k2"}},
                "ENERGY_JWT_SIGNING_KID"));
  CHECK(refused({{"ENERGY_JWT_SIGNING_KID", "k2"}}, "ENERGY_JWT_SIGNING_KID"));
  CHECK(refused({{"ENERGY_ACCESS_TTL", "24x"}}, "ENERGY_ACCESS_TTL"));
  CHECK(refused({{"ENERGY_ACCESS_TTL", "-5"}}, "ENERGY_ACCESS_TTL"));
  CHECK(refused({{"ENERGY_ADMIN_PASSWORD", "short"}}, "ENERGY_ADMIN_PASSWORD"));
  CHECK(refused({{"ENERGY_LOGIN_MAX_FAILURES", "0"}}, "ENERGY_LOGIN_MAX_FAILURES"));
  CHECK(refused({{"ENERGY_CORS_ORIGINS", "*"}}, "ENERGY_CORS_ORIGINS"));
  CHECK(refused({{"ENERGY_CORS_ORIGINS", "https://a.example/"}}, "ENERGY_CORS_ORIGINS"));
  CHECK(refused({{"ENERGY_HSTS", "yes"}}, "ENERGY_HSTS"));
}

TEST_CASE("durations take s, m, h and d suffixes", "[auth][settings]") {
  CHECK(parse_duration("90", "x") == std::chrono::seconds(90));
  CHECK(parse_duration("15m", "x") == std::chrono::minutes(15));
  CHECK(parse_duration("24h", "x") == std::chrono::hours(24));
  CHECK(parse_duration("30d", "x") == std::chrono::hours(720));
  CHECK_THROWS_AS(parse_duration("", "x"), std::invalid_argument);
  CHECK_THROWS_AS(parse_duration("0s", "x"), std::invalid_argument);
  CHECK_THROWS_AS(parse_duration("99999999999999999d", "x"), std::invalid_argument);
}

TEST_CASE("Argon2id hashes are PHC strings that verify only the right password",
          "[auth][password]") {
  const password_hasher h(256, 1);
  const auto phc = h.hash("correct horse battery");
  CHECK(phc.rfind("$argon2id$v=19$m=256,t=1,p=1$", 0) == 0);
  CHECK(h.verify(phc, "correct horse battery"));
  CHECK_FALSE(h.verify(phc, "correct horse batterY"));
  CHECK_FALSE(h.verify("not a hash", "correct horse battery"));
  CHECK_FALSE(h.verify("", ""));
  CHECK(h.hash("correct horse battery") != phc);  // fresh salt each time
  CHECK_FALSE(h.verify_dummy("correct horse battery"));
  CHECK(password_problem("short") != "");
  CHECK(password_problem(std::string(1025, 'x')) != "");
  CHECK(password_problem(std::string("twelve chars\0x", 14)) != "");
  CHECK(password_problem("twelve chars") == "");
}
