// SPDX-License-Identifier: Apache-2.0
#include "auth/audit.hpp"
#include "http/json_text.hpp"

#include <chrono>
#include <stdexcept>

#include <energy/time.hpp>

namespace energy::server::auth {

namespace {

db::value tenant_value(const uuid& t) {
  if (t.is_nil()) return db::value{};
  return t.to_string();
}

}  // namespace

audit_log::audit_log(const std::string& path) {
  if (path.empty()) return;
  file_.open(path, std::ios::app);
  if (!file_)
    throw std::runtime_error("ENERGY_AUDIT_LOG: cannot open '" + path + "' for appending");
}

void audit_log::record(db::connection& db, const audit_event& e) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string id = uuid::v7().to_string();
  const std::string detail = json_text(e.detail);
  db.exec(
      "INSERT INTO auth_audit (id, at, tenant_id, actor, event, address, detail) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {id, std::int64_t{to_epoch(now)}, tenant_value(e.tenant_id), e.actor, e.event, e.address,
       detail});
  const std::lock_guard lock(mutex_);
  if (file_.is_open()) {
    nlohmann::json line{
        {"ts", format_utc(now)},
        {"id", id},
        {"event", e.event},
        {"tenant_id", e.tenant_id.is_nil() ? nullptr : nlohmann::json(e.tenant_id.to_string())},
        {"actor", e.actor},
        {"address", e.address},
        {"detail", e.detail}};
    file_ << json_text(line) << '\n';
    file_.flush();
  }
}

std::vector<nlohmann::json> audit_log::list(db::connection& db, const uuid& tenant_id, int limit,
                                            const std::optional<std::string>& before) {
  const std::string tenant = tenant_id.to_string();
  // No cursor: start after the greatest id (compares above every uuid in any collation).
  const std::string cursor = before.value_or("ffffffff-ffff-ffff-ffff-ffffffffffff");
  const auto rows = db.query(
      "SELECT id, at, actor, event, address, detail FROM auth_audit "
      "WHERE tenant_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
      {tenant, cursor, std::int64_t{limit}});
  std::vector<nlohmann::json> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    auto detail = nlohmann::json::parse(r.text(5), nullptr, false);
    if (detail.is_discarded()) detail = nlohmann::json::object();
    out.push_back({{"id", r.text(0)},
                   {"at", format_utc(from_epoch(r.integer(1)))},
                   {"actor", r.opt_text(2).value_or("")},
                   {"event", r.text(3)},
                   {"address", r.opt_text(4).value_or("")},
                   {"detail", std::move(detail)}});
  }
  return out;
}

}  // namespace energy::server::auth
