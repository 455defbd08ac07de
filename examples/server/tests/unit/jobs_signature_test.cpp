// SPDX-License-Identifier: Apache-2.0
// The webhook signature and the e-mail message, checked against published vectors and by hand.
#include <catch2/catch.hpp>

#include "jobs/delivery.hpp"

using namespace energy;
using namespace energy::server::jobs;

TEST_CASE("webhook signature: HMAC-SHA256 as in RFC 4231 test case 2, hex, prefixed") {
  CHECK(webhook_signature("Jefe", "what do ya want for nothing?") ==
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(webhook_signature("Jefe", "what do ya want for nothing!") !=
        webhook_signature("Jefe", "what do ya want for nothing?"));
}

TEST_CASE("e-mail: headers cannot be injected through the subject or the recipient") {
  notification n{.id = uuid::v7(),
                 .alert_id = uuid::v7(),
                 .event = "alert.opened",
                 .target = "ops@example.test\r\nBcc: victim@example.test",
                 .subject = "Alert\r\nBcc: victim@example.test",
                 .body = "text"};
  const auto m = email_message(n, "alerts@example.test", 1'700'000'000);
  CHECK(m.find("\r\nBcc:") == std::string::npos);
  CHECK_THAT(m, Catch::Contains("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
  CHECK_THAT(m, Catch::EndsWith("\r\n\r\ntext\r\n"));
}
