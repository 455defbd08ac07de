// SPDX-License-Identifier: Apache-2.0
// energy-server's access-token check (auth::token_codec::verify, over libjwt) against hostile
// tokens. Two inputs per run: the bytes as a token, and a token the server signed with the bytes
// spliced into it (so the fuzzer works inside a well-formed header, payload and signature).
// Invariants: no crash or sanitizer report, no exception, and a token is accepted only when it
// carries exactly the claims the server signed — a change anywhere must not yield other claims.
#include <chrono>
#include <string>

#include "auth/jwt.hpp"
#include "fuzz_check.hpp"

namespace {

using energy::server::auth::access_claims;
using energy::server::auth::token_codec;

constexpr energy::epoch_seconds issued = 1'800'000'000;

const token_codec& codec() {
  static const token_codec c({{"k1", std::string(32, 'a')}, {"k2", std::string(40, 'b')}}, "k1",
                             "energy-server", "energy-api", std::chrono::seconds{30});
  return c;
}

const access_claims& signed_claims() {
  static const access_claims c = [] {
    access_claims a;
    a.subject = *energy::uuid::try_parse("01900000-0000-7000-8000-000000000001");
    a.tenant_id = *energy::uuid::try_parse("01900000-0000-7000-8000-000000000002");
    a.role = "viewer";
    a.session = *energy::uuid::try_parse("01900000-0000-7000-8000-000000000003");
    a.issued_at = issued;
    a.expires_at = issued + 900;
    return a;
  }();
  return c;
}

const std::string& signed_token() {
  static const std::string t = codec().sign(signed_claims());
  return t;
}

void check(std::string_view token) {
  const auto v = codec().verify(token, issued + 60);
  if (!v.claims) return;
  const auto& got = *v.claims;
  const auto& want = signed_claims();
  FUZZ_CHECK(got.subject == want.subject);
  FUZZ_CHECK(got.tenant_id == want.tenant_id);
  FUZZ_CHECK(got.role == want.role);
  FUZZ_CHECK(got.session == want.session);
  FUZZ_CHECK(got.expires_at == want.expires_at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = energy::fuzz::as_text(data, size);
  check(text);
  if (size >= 2) {
    // The first two bytes choose where the rest replaces as many bytes of the signed token.
    std::string token = signed_token();
    const std::size_t at = (static_cast<std::size_t>(data[0]) << 8 | data[1]) % (token.size() + 1);
    const auto patch = text.substr(2);
    token.replace(at, std::min(patch.size(), token.size() - at), patch);
    check(token);
  }
  return 0;
}
