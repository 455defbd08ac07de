// SPDX-License-Identifier: Apache-2.0
// Access tokens: HS256 pinned, kid-selected keys, exp/nbf/iss/aud checked by us (libjwt 1.10
// checks none of them).
#include <catch2/catch.hpp>

#include <cstdlib>

#include <jwt.h>
#include <nlohmann/json.hpp>

#include "auth/crypto.hpp"
#include "auth/jwt.hpp"

using namespace energy;
using namespace energy::server::auth;

namespace {

const std::string secret_a(40, 'a');
const std::string secret_b(40, 'b');

token_codec codec(std::vector<signing_key> keys, std::string kid) {
  return token_codec(std::move(keys), std::move(kid), "energy-server", "energy-api",
                     std::chrono::seconds(30));
}

access_claims claims(epoch_seconds now, epoch_seconds ttl = 3600) {
  access_claims c;
  c.subject = uuid::v7();
  c.tenant_id = uuid::v7();
  c.role = "admin";
  c.session = uuid::v7();
  c.issued_at = now;
  c.expires_at = now + ttl;
  return c;
}

// A token signed by libjwt directly with any algorithm, header and claims: the forgeries.
std::string forge(jwt_alg_t alg, const std::string& key, const std::string& kid,
                  const std::string& claims_json) {
  jwt_t* j = nullptr;
  REQUIRE(jwt_new(&j) == 0);
  if (!kid.empty()) jwt_add_header(j, "kid", kid.c_str());
  REQUIRE(jwt_add_grants_json(j, claims_json.c_str()) == 0);
  REQUIRE(jwt_set_alg(
              j, alg,
              alg == JWT_ALG_NONE ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
              alg == JWT_ALG_NONE ? 0 : static_cast<int>(key.size())) == 0);
  char* t = jwt_encode_str(j);
  std::string out(t);
  std::free(t);
  jwt_free(j);
  return out;
}

std::string valid_claims_json(epoch_seconds now) {
  return nlohmann::json{{"iss", "energy-server"},
                        {"aud", "energy-api"},
                        {"sub", uuid::v7().to_string()},
                        {"sid", uuid::v7().to_string()},
                        {"role", "admin"},
                        {"iat", now},
                        {"nbf", now},
                        {"exp", now + 3600}}
      .dump();
}

}  // namespace

TEST_CASE("a token signed by the codec verifies and gives back its claims", "[auth][jwt]") {
  const auto c = codec({{"k1", secret_a}}, "k1");
  const auto in = claims(1'800'000'000);
  const auto out = c.verify(c.sign(in), 1'800'000'100);
  REQUIRE(out.claims);
  CHECK(out.claims->subject == in.subject);
  CHECK(out.claims->tenant_id == in.tenant_id);
  CHECK(out.claims->session == in.session);
  CHECK(out.claims->role == "admin");
  CHECK(out.claims->expires_at == in.expires_at);
}

TEST_CASE("expired and not-yet-valid tokens are refused beyond the clock skew", "[auth][jwt]") {
  const auto c = codec({{"k1", secret_a}}, "k1");
  const epoch_seconds now = 1'800'000'000;
  const auto token = c.sign(claims(now, 3600));
  CHECK(c.verify(token, now + 3600 + 29).claims);
  CHECK_FALSE(c.verify(token, now + 3600 + 30).claims);
  CHECK(c.verify(token, now + 3600 + 30).reason == "expired");
  CHECK(c.verify(token, now - 29).claims);
  CHECK(c.verify(token, now - 31).reason == "not yet valid");
}

TEST_CASE("a token with a changed payload or signature is refused", "[auth][jwt]") {
  const auto c = codec({{"k1", secret_a}}, "k1");
  const epoch_seconds now = 1'800'000'000;
  std::string token = c.sign(claims(now));
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(c.verify(flipped, now).claims);
  // Same header and signature, other payload (role viewer -> admin of another subject).
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const std::string payload = base64url_encode(valid_claims_json(now));
  const std::string swapped = token.substr(0, first + 1) + payload + token.substr(second);
  CHECK(c.verify(swapped, now).reason == "signature");
}

TEST_CASE("alg none, HS512 with the same secret and unknown algorithms are refused",
          "[auth][jwt]") {
  const auto c = codec({{"k1", secret_a}}, "k1");
  const epoch_seconds now = 1'800'000'000;
  CHECK(c.verify(forge(JWT_ALG_HS256, secret_a, "k1", valid_claims_json(now)), now).claims);
  CHECK(c.verify(forge(JWT_ALG_NONE, "", "k1", valid_claims_json(now)), now).reason ==
        "alg not HS256");
  // libjwt alone accepts this one (it verifies with the algorithm the token names).
  CHECK(c.verify(forge(JWT_ALG_HS512, secret_a, "k1", valid_claims_json(now)), now).reason ==
        "alg not HS256");
  CHECK(c.verify(forge(JWT_ALG_HS384, secret_a, "k1", valid_claims_json(now)), now).reason ==
        "alg not HS256");
  // A hand-made "none" token with a header claiming HS256 but no signature.
  const std::string header = base64url_encode(R"({"alg":"HS256","typ":"JWT","kid":"k1"})");
  const std::string body = base64url_encode(valid_claims_json(now));
  CHECK_FALSE(c.verify(header + "." + body + ".", now).claims);
  CHECK_FALSE(c.verify(header + "." + body, now).claims);
}

TEST_CASE("a token signed with another key, or naming an unknown kid, is refused", "[auth][jwt]") {
  const auto c = codec({{"k1", secret_a}}, "k1");
  const epoch_seconds now = 1'800'000'000;
  CHECK(c.verify(forge(JWT_ALG_HS256, secret_b, "k1", valid_claims_json(now)), now).reason ==
        "signature");
  CHECK(c.verify(forge(JWT_ALG_HS256, secret_a, "k9", valid_claims_json(now)), now).reason ==
        "unknown kid");
  CHECK(c.verify(forge(JWT_ALG_HS256, secret_a, "", valid_claims_json(now)), now).reason ==
        "no kid");
}

TEST_CASE("a wrong issuer or audience, or missing claims, are refused", "[auth][jwt]") {
  const epoch_seconds now = 1'800'000'000;
  const auto mine = codec({{"k1", secret_a}}, "k1");
  const token_codec other_issuer({{"k1", secret_a}}, "k1", "someone-else", "energy-api",
                                 std::chrono::seconds(30));
  const token_codec other_audience({{"k1", secret_a}}, "k1", "energy-server", "other-api",
                                   std::chrono::seconds(30));
  CHECK(mine.verify(other_issuer.sign(claims(now)), now).reason == "issuer");
  CHECK(mine.verify(other_audience.sign(claims(now)), now).reason == "audience");
  auto j = nlohmann::json::parse(valid_claims_json(now));
  j.erase("exp");
  CHECK(mine.verify(forge(JWT_ALG_HS256, secret_a, "k1", j.dump()), now).reason ==
        "exp, nbf or iat missing");
  j = nlohmann::json::parse(valid_claims_json(now));
  j["sub"] = "1 OR 1=1";
  CHECK(mine.verify(forge(JWT_ALG_HS256, secret_a, "k1", j.dump()), now).reason ==
        "sub or sid is not a uuid");
}

TEST_CASE("rotation: tokens of the old key stay valid while the new key signs", "[auth][jwt]") {
  const epoch_seconds now = 1'800'000'000;
  const auto before = codec({{"old", secret_a}}, "old");
  const auto during = codec({{"new", secret_b}, {"old", secret_a}}, "new");
  const auto after = codec({{"new", secret_b}}, "new");
  const auto old_token = before.sign(claims(now));
  const auto new_token = during.sign(claims(now));
  CHECK(during.verify(old_token, now).claims);
  CHECK(during.verify(new_token, now).claims);
  CHECK(after.verify(new_token, now).claims);
  CHECK(after.verify(old_token, now).reason == "unknown kid");
}

TEST_CASE("the codec refuses short keys and a signing kid outside the set", "[auth][jwt]") {
  CHECK_THROWS_AS(codec({{"k1", std::string(31, 'x')}}, "k1"), std::invalid_argument);
  CHECK_THROWS_AS(codec({{"k1", secret_a}}, "k2"), std::invalid_argument);
  CHECK_THROWS_AS(codec({}, ""), std::invalid_argument);
}

TEST_CASE("base64url round-trips every length and refuses foreign characters", "[auth][jwt]") {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    CHECK(base64url_decode(base64url_encode(bytes)) == bytes);
    bytes.push_back(static_cast<char>(n * 37 + 11));
  }
  CHECK_FALSE(base64url_decode("ab+c"));
  CHECK_FALSE(base64url_decode("abcde"));
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
