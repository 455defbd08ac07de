// SPDX-License-Identifier: Apache-2.0
#include <energy/transport/mqtt_committer.hpp>

#include <energy/error.hpp>
#include <energy/transport/mqtt_payload.hpp>

#include <stdexcept>

namespace energy::transport::mqtt {
namespace {

/// The literal a topic's sensor level carries when the payload names its sensors itself.
constexpr std::string_view several_sensors = "batch";

std::optional<uuid> uuid_level(std::string_view value, std::string_view name, std::string& error) {
  if (auto id = uuid::try_parse(value)) return id;
  if (error.empty())
    error = "topic level {" + std::string(name) + "} " + ingest::shown_value(value) +
            " is not a canonical UUID";
  return std::nullopt;
}

}  // namespace

message_committer::message_committer(storage::store& st, committer_options options)
    : store_(st), options_(std::move(options)), pattern_(options_.topic_pattern) {
  if (!pattern_.has("{tenant}") || !pattern_.has("{building}"))
    throw std::invalid_argument("MQTT topic pattern \"" + pattern_.text() +
                                "\": needs the levels {tenant} and {building} (tenant isolation)");
}

void message_committer::add(std::string_view topic, std::string_view payload) {
  pending_message m;
  m.topic = std::string(topic);
  const auto source = ingest::shown_value(topic, 256);
  if (const auto f = pattern_.match(topic)) {
    m.tenant = std::string(f->tenant);
    m.building = std::string(f->building);
    m.tenant_id = uuid_level(f->tenant, "tenant", m.error);
    m.building_id = uuid_level(f->building, "building", m.error);
    if (pattern_.has("{sensor}") && f->sensor != several_sensors)
      m.sensor_id = uuid_level(f->sensor, "sensor", m.error);
  } else {
    m.error = "topic " + source + " does not match the pattern " + pattern_.text();
  }
  if (m.error.empty() && payload.size() > options_.max_payload_bytes)
    m.error = "payload of " + std::to_string(payload.size()) + " bytes exceeds the limit of " +
              std::to_string(options_.max_payload_bytes);
  if (m.error.empty()) {
    try {
      m.readings = decode_payload(payload, m.sensor_id, "message on " + source).readings;
    } catch (const parse_error& e) {
      m.error = e.what();
    }
  }
  pending_readings_ += m.readings.batch.size() + m.readings.rejections.size();
  pending_.push_back(std::move(m));
}

void message_committer::discard() noexcept {
  pending_.clear();
  pending_readings_ = 0;
}

void message_committer::refresh_directory() {
  directory_ = ingest::sensor_directory(store_.list_all_sensors());
  building_tenant_.clear();
  for (const auto& t : store_.list_tenants())
    for (const auto& b : store_.list_buildings(t.id))
      building_tenant_[b.id] = t.id;
  refreshed_at_ = std::chrono::steady_clock::now();
  ever_refreshed_ = true;
}

bool message_committer::owns(const pending_message& m, const uuid& sensor_id) const {
  const sensor* s = directory_.find(sensor_id);
  if (s == nullptr || s->building_id != *m.building_id) return false;
  const auto owner = building_tenant_.find(s->building_id);
  if (owner == building_tenant_.end() || owner->second != *m.tenant_id) return false;
  return !m.sensor_id || *m.sensor_id == sensor_id;
}

commit_result message_committer::commit() {
  const auto now = std::chrono::steady_clock::now();
  bool refresh = !ever_refreshed_ || now - refreshed_at_ >= options_.directory_refresh;
  if (!refresh && now - refreshed_at_ >= options_.directory_min_refresh) {
    // Something unknown may be new since the last refresh (a sensor registered a second ago).
    for (const auto& m : pending_) {
      if (!m.error.empty()) continue;
      if (!building_tenant_.contains(*m.building_id)) refresh = true;
      for (const auto& id : m.readings.batch.sensor_id)
        if (!directory_.index_of(id)) refresh = true;
      if (refresh) break;
    }
  }
  if (refresh) refresh_directory();

  commit_result out;
  out.messages = pending_.size();
  reading_batch rows;
  rows.reserve(pending_readings_);
  std::vector<std::uint32_t> row_message;  // message of each row of `rows`
  std::vector<ingest::rejection> upstream;
  std::vector<std::uint32_t> upstream_message;
  std::vector<uuid> upstream_sensor;
  for (std::uint32_t i = 0; i < pending_.size(); ++i) {
    const auto& m = pending_[i];
    if (!m.error.empty()) continue;
    for (const auto& r : m.readings.rejections) {  // copied: a failed commit keeps them
      upstream.push_back(r);
      upstream_message.push_back(i);
      upstream_sensor.push_back(uuid{});
    }
    const auto& b = m.readings.batch;
    for (std::size_t k = 0; k < b.size(); ++k) {
      if (owns(m, b.sensor_id[k])) {
        rows.push_back(b.sensor_id[k], b.ts[k], b.value[k], b.quality[k], b.source_row[k]);
        row_message.push_back(i);
        continue;
      }
      // Same words whether the sensor is another tenant's or does not exist.
      upstream.push_back({.batch_index = -1,
                          .source_row = b.source_row[k],
                          .why = ingest::reason::unknown_sensor,
                          .detail = "sensor " + b.sensor_id[k].to_string() +
                                    " is not a sensor of this topic's tenant and building"});
      upstream_message.push_back(i);
      upstream_sensor.push_back(b.sensor_id[k]);
    }
  }
  if (!rows.empty() || !upstream.empty())
    out.report = ingest::ingest_batch(store_, directory_, rows, options_.ingest, upstream);

  // Rejections back to their messages: the upstream ones come first in the report, in order.
  std::vector<std::int64_t> problem_of(pending_.size(), -1);
  const auto outcome_for = [&](std::uint32_t msg) -> message_outcome& {
    if (problem_of[msg] < 0) {
      problem_of[msg] = static_cast<std::int64_t>(out.problems.size());
      const auto& m = pending_[msg];
      out.problems.push_back({.topic = m.topic, .tenant = m.tenant, .building = m.building});
    }
    return out.problems[static_cast<std::size_t>(problem_of[msg])];
  };
  for (std::uint32_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i].error.empty()) continue;
    ++out.malformed_messages;
    outcome_for(i).error = pending_[i].error;
  }
  for (std::size_t k = 0; k < out.report.rejections.size(); ++k) {
    auto r = out.report.rejections[k];
    std::uint32_t msg = 0;
    uuid sensor;
    if (k < upstream.size()) {
      msg = upstream_message[k];
      sensor = upstream_sensor[k];
    } else if (r.batch_index >= 0 && static_cast<std::size_t>(r.batch_index) < rows.size()) {
      msg = row_message[static_cast<std::size_t>(r.batch_index)];
      sensor = rows.sensor_id[static_cast<std::size_t>(r.batch_index)];
    } else {
      continue;  // not tied to a row (never produced by ingest_batch today)
    }
    r.batch_index = -1;
    auto& o = outcome_for(msg);
    o.rejections.push_back(std::move(r));
    o.rejection_sensor.push_back(sensor);
  }
  discard();
  return out;
}

}  // namespace energy::transport::mqtt
