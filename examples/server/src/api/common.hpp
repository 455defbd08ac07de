// SPDX-License-Identifier: Apache-2.0
// What every data-API handler shares: the caller's tenant as the only scope (another tenant's
// object answers 404 exactly like a missing one), JSON views of the model, strict body parsing
// and cursor pagination.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/model.hpp>

#include "http/context.hpp"
#include "http/message.hpp"

namespace energy::server::api {

/// The server's own record of deactivated buildings (the library's building has no such flag).
void migrate(db::connection& c);

/// The building `id_text` names if it belongs to the caller's tenant; else 404 (also for a
/// malformed id, so ids of other tenants and nonsense look the same).
[[nodiscard]] building owned_building(request_context& ctx, std::string_view id_text);
/// The sensor `id_text` names if its building belongs to the caller's tenant; else 404.
[[nodiscard]] sensor owned_sensor(request_context& ctx, std::string_view id_text);

/// UTC time the building was deactivated, if it was.
[[nodiscard]] std::optional<epoch_seconds> deactivated_at(request_context& ctx, const uuid& b);
void mark_deactivated(request_context& ctx, const uuid& b, epoch_seconds when);

[[nodiscard]] nlohmann::json to_json(const building& b, std::optional<epoch_seconds> deactivated,
                                     std::optional<std::size_t> sensor_count);
[[nodiscard]] nlohmann::json to_json(const sensor& s);

/// The request body as a JSON object. @throws problem_error 400 naming the byte offset.
[[nodiscard]] nlohmann::json parse_object_body(const request& r);
/// Refuses (422) any member of `body` not in `allowed`: a typo must not be silently ignored.
void reject_unknown_fields(const nlohmann::json& body,
                           std::initializer_list<std::string_view> allowed);

/// Typed member readers: absent → nullopt; wrong type → 422 naming "/field".
[[nodiscard]] std::optional<std::string> opt_string(const nlohmann::json& body, const char* name);
[[nodiscard]] std::string required_string(const nlohmann::json& body, const char* name);
[[nodiscard]] std::optional<std::int64_t> opt_integer(const nlohmann::json& body, const char* name);
[[nodiscard]] std::optional<double> opt_number(const nlohmann::json& body, const char* name);
[[nodiscard]] std::optional<bool> opt_bool(const nlohmann::json& body, const char* name);
/// Money as a decimal string ("0.1355") or a JSON number, exact to the micro-unit.
[[nodiscard]] std::optional<money> opt_money(const nlohmann::json& body, const char* name);
/// RFC 3339 with an explicit offset.
[[nodiscard]] std::optional<utc_seconds> opt_time(const nlohmann::json& body, const char* name);

struct page_request {
  std::size_t limit = 100;
  std::optional<std::string> after;  ///< the cursor: items with id greater than this
};
/// `?limit=1..1000` and `?cursor=`. @throws problem_error 400.
[[nodiscard]] page_request read_page(const request& r);

/// Sorts `items` by id, keeps the page after the cursor, and returns the next cursor (the last
/// id of the page when more follow).
template <class T>
std::optional<std::string> take_page(std::vector<T>& items, const page_request& p) {
  std::sort(items.begin(), items.end(), [](const T& a, const T& b) { return a.id < b.id; });
  std::size_t first = 0;
  if (p.after) {
    const auto after = uuid::try_parse(*p.after);
    if (!after) throw_bad_request("cursor is not one this server issued", "cursor");
    while (first < items.size() && !(*after < items[first].id))
      ++first;
  }
  const std::size_t last = std::min(items.size(), first + p.limit);
  std::optional<std::string> next;
  if (last < items.size() && last > first) next = items[last - 1].id.to_string();
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(last), items.end());
  items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(first));
  return next;
}

/// `{"$ref": "#/components/schemas/<name>"}`.
[[nodiscard]] nlohmann::json ref(std::string_view schema);
/// An OpenAPI response object with a JSON body of `schema`.
[[nodiscard]] nlohmann::json json_response(std::string_view description, nlohmann::json schema);
/// A problem response object (application/problem+json).
[[nodiscard]] nlohmann::json problem_response(std::string_view description);
/// A JSON request body of `schema`.
[[nodiscard]] nlohmann::json json_body(nlohmann::json schema);
[[nodiscard]] nlohmann::json query_param(std::string_view name, std::string_view description,
                                         nlohmann::json schema, bool required = false);
/// The `limit` and `cursor` query parameters.
[[nodiscard]] nlohmann::json page_params();

[[nodiscard]] epoch_seconds now_epoch();

}  // namespace energy::server::api
