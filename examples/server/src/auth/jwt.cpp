// SPDX-License-Identifier: Apache-2.0
#include "auth/jwt.hpp"

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <jwt.h>
#include <nlohmann/json.hpp>

#include "auth/crypto.hpp"

namespace energy::server::auth {

namespace {

struct jwt_deleter {
  void operator()(jwt_t* j) const noexcept { jwt_free(j); }
};
using jwt_ptr = std::unique_ptr<jwt_t, jwt_deleter>;

struct free_deleter {
  void operator()(char* p) const noexcept { std::free(p); }
};
using c_string = std::unique_ptr<char, free_deleter>;

// Tokens longer than this are refused before any parsing (a header line is limited anyway).
constexpr std::size_t max_token_length = 4096;

verification refuse(std::string reason) {
  return {std::nullopt, std::move(reason)};
}

std::optional<std::int64_t> integer_claim(const nlohmann::json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<std::string> string_claim(const nlohmann::json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

token_codec::token_codec(std::vector<signing_key> keys, std::string signing_kid, std::string issuer,
                         std::string audience, std::chrono::seconds clock_skew)
    : keys_(std::move(keys)),
      signing_kid_(std::move(signing_kid)),
      issuer_(std::move(issuer)),
      audience_(std::move(audience)),
      skew_(clock_skew.count()) {
  if (keys_.empty()) throw std::invalid_argument("token_codec: no signing key");
  for (const auto& k : keys_) {
    if (k.secret.size() < 32) {
      throw std::invalid_argument("token_codec: key '" + k.kid + "' is shorter than 32 bytes");
    }
  }
  if (find(signing_kid_) == nullptr) {
    throw std::invalid_argument("token_codec: signing key '" + signing_kid_ +
                                "' is not in the set");
  }
}

const signing_key* token_codec::find(std::string_view kid) const noexcept {
  for (const auto& k : keys_) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

std::string token_codec::sign(const access_claims& c) const {
  const signing_key& key = *find(signing_kid_);
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0 || raw == nullptr) throw std::runtime_error("jwt_new failed");
  const jwt_ptr j(raw);
  const std::string sub = c.subject.to_string();
  const std::string sid = c.session.to_string();
  int rc = jwt_add_header(j.get(), "kid", key.kid.c_str());
  rc |= jwt_add_grant(j.get(), "iss", issuer_.c_str());
  rc |= jwt_add_grant(j.get(), "aud", audience_.c_str());
  rc |= jwt_add_grant(j.get(), "sub", sub.c_str());
  if (!c.tenant_id.is_nil()) {
    rc |= jwt_add_grant(j.get(), "tid", c.tenant_id.to_string().c_str());
  }
  rc |= jwt_add_grant(j.get(), "role", c.role.c_str());
  rc |= jwt_add_grant(j.get(), "sid", sid.c_str());
  rc |= jwt_add_grant_int(j.get(), "iat", static_cast<long>(c.issued_at));
  rc |= jwt_add_grant_int(j.get(), "nbf", static_cast<long>(c.issued_at));
  rc |= jwt_add_grant_int(j.get(), "exp", static_cast<long>(c.expires_at));
  rc |=
      jwt_set_alg(j.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.secret.data()),
                  static_cast<int>(key.secret.size()));
  if (rc != 0) throw std::runtime_error("libjwt refused a claim or the key");
  const c_string token(jwt_encode_str(j.get()));
  if (!token) throw std::runtime_error("jwt_encode_str failed");
  return std::string(token.get());
}

verification token_codec::verify(std::string_view token, epoch_seconds now) const {
  if (token.empty() || token.size() > max_token_length) return refuse("token length");
  // The header is read before libjwt sees the token: its kid selects the key, and anything but
  // HS256 is refused here already (libjwt would verify HS384/HS512 with the same secret).
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return refuse("not a JWT");
  const auto header_text = base64url_decode(token.substr(0, dot));
  if (!header_text) return refuse("header is not base64url");
  const auto header = nlohmann::json::parse(*header_text, nullptr, false);
  if (header.is_discarded() || !header.is_object()) return refuse("header is not JSON");
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || *alg != "HS256") return refuse("alg not HS256");
  const auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string()) return refuse("no kid");
  const signing_key* key = find(kid->get<std::string>());
  if (key == nullptr) return refuse("unknown kid");

  const std::string text(token);
  jwt_t* raw = nullptr;
  const int rc =
      jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key->secret.data()),
                 static_cast<int>(key->secret.size()));
  const jwt_ptr j(raw);
  if (rc != 0 || !j) return refuse("signature");
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) return refuse("alg pin");

  const c_string grants(jwt_get_grants_json(j.get(), nullptr));
  if (!grants) return refuse("no claims");
  const auto payload = nlohmann::json::parse(grants.get(), nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return refuse("claims are not JSON");

  const auto exp = integer_claim(payload, "exp");
  const auto nbf = integer_claim(payload, "nbf");
  const auto iat = integer_claim(payload, "iat");
  if (!exp || !nbf || !iat) return refuse("exp, nbf or iat missing");
  if (now >= *exp + skew_) return refuse("expired");
  if (now + skew_ < *nbf) return refuse("not yet valid");
  if (string_claim(payload, "iss") != issuer_) return refuse("issuer");
  if (string_claim(payload, "aud") != audience_) return refuse("audience");

  access_claims c;
  const auto sub = string_claim(payload, "sub");
  const auto sid = string_claim(payload, "sid");
  const auto role = string_claim(payload, "role");
  if (!sub || !sid || !role) return refuse("sub, sid or role missing");
  const auto subject = uuid::try_parse(*sub);
  const auto session = uuid::try_parse(*sid);
  if (!subject || !session) return refuse("sub or sid is not a uuid");
  c.subject = *subject;
  c.session = *session;
  c.role = *role;
  if (const auto tid = string_claim(payload, "tid")) {
    const auto tenant = uuid::try_parse(*tid);
    if (!tenant || tenant->is_nil()) return refuse("tid is not a uuid");
    c.tenant_id = *tenant;
  } else if (payload.contains("tid")) {
    return refuse("tid is not a string");
  }
  c.issued_at = *iat;
  c.expires_at = *exp;
  return {c, {}};
}

}  // namespace energy::server::auth
