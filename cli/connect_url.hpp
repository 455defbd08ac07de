// SPDX-License-Identifier: Apache-2.0
// --url of `greenbutton fetch`: a Green Button Connect subscription resource URI.
#pragma once

#include <string>
#include <string_view>

namespace energy::cli {

struct connect_url {
  std::string base;  ///< the Data Custodian base, before "/espi/1_1/resource/"
  std::string subscription;
  std::string usage_point;  ///< empty: every usage point of the subscription
};

/// Splits `https://HOST/PATH/espi/1_1/resource/[Batch/]Subscription/ID[/UsagePoint/ID]` (the
/// resourceURI of the OAuth token response). @throws usage_error naming --url otherwise (also for
/// a scheme other than https: the token must not travel in clear text).
[[nodiscard]] connect_url parse_connect_url(std::string_view url);

}  // namespace energy::cli
