// SPDX-License-Identifier: Apache-2.0
#include "connect_url.hpp"

#include "args.hpp"

#include <vector>

namespace energy::cli {

connect_url parse_connect_url(std::string_view url) {
  const std::string expected =
      "--url: '" + std::string(url) +
      "' is not a Green Button Connect subscription URI "
      "(https://HOST/.../espi/1_1/resource/Batch/Subscription/ID[/UsagePoint/ID])";
  if (!url.starts_with("https://"))
    throw usage_error(expected + "; only https:// (the access token must not travel in clear)");
  constexpr std::string_view marker = "/espi/1_1/resource/";
  const auto at = url.find(marker);
  if (at == std::string_view::npos) throw usage_error(expected);
  connect_url out;
  out.base = std::string(url.substr(0, at));
  std::string_view rest = url.substr(at + marker.size());
  if (rest.starts_with("Batch/")) rest.remove_prefix(6);
  std::vector<std::string_view> parts;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  const bool one = parts.size() == 2, two = parts.size() == 4 && parts[2] == "UsagePoint";
  if ((!one && !two) || parts[0] != "Subscription" || parts[1].empty() || (two && parts[3].empty()))
    throw usage_error(expected);
  out.subscription = std::string(parts[1]);
  if (two) out.usage_point = std::string(parts[3]);
  return out;
}

}  // namespace energy::cli
