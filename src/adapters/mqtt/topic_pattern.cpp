// SPDX-License-Identifier: Apache-2.0
#include <energy/transport/mqtt_topic.hpp>

#include <stdexcept>

namespace energy::transport::mqtt {
namespace {

std::vector<std::string_view> split_levels(std::string_view topic) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  for (;;) {
    const auto slash = topic.find('/', from);
    out.push_back(topic.substr(from, slash == std::string_view::npos ? slash : slash - from));
    if (slash == std::string_view::npos) return out;
    from = slash + 1;
  }
}

}  // namespace

topic_pattern::topic_pattern(std::string pattern) : text_(std::move(pattern)) {
  const auto bad = [&](const std::string& why) {
    throw std::invalid_argument("MQTT topic pattern \"" + text_ + "\": " + why);
  };
  if (text_.empty()) bad("is empty");
  bool seen[4] = {};
  for (const auto level : split_levels(text_)) {
    segment s;
    if (level == "{tenant}") {
      s.k = kind::tenant;
    } else if (level == "{building}") {
      s.k = kind::building;
    } else if (level == "{sensor}") {
      s.k = kind::sensor;
    } else {
      if (level.empty()) bad("has an empty level (a leading, trailing or double '/')");
      if (level.find_first_of("+#") != std::string_view::npos)
        bad("contains an MQTT wildcard; use the placeholders {tenant}, {building}, {sensor}");
      if (level.find_first_of("{}") != std::string_view::npos)
        bad("level \"" + std::string(level) +
            "\" is not a placeholder: a placeholder ({tenant}, {building}, {sensor}) must be a "
            "whole level");
      s.text = std::string(level);
    }
    auto& once = seen[static_cast<int>(s.k)];
    if (s.k != kind::literal && once) bad("repeats the placeholder " + std::string(level));
    once = true;
    segments_.push_back(std::move(s));
  }
}

bool topic_pattern::has(std::string_view placeholder) const noexcept {
  for (const auto& s : segments_) {
    if ((s.k == kind::tenant && placeholder == "{tenant}") ||
        (s.k == kind::building && placeholder == "{building}") ||
        (s.k == kind::sensor && placeholder == "{sensor}"))
      return true;
  }
  return false;
}

std::optional<topic_pattern::fields> topic_pattern::match(std::string_view topic) const {
  const auto levels = split_levels(topic);
  if (levels.size() != segments_.size()) return std::nullopt;
  fields f;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const auto& s = segments_[i];
    if (s.k == kind::literal) {
      if (levels[i] != s.text) return std::nullopt;
      continue;
    }
    if (levels[i].empty()) return std::nullopt;
    (s.k == kind::tenant ? f.tenant : s.k == kind::building ? f.building : f.sensor) = levels[i];
  }
  return f;
}

std::string topic_pattern::expand(std::string_view tenant, std::string_view building,
                                  std::string_view sensor) const {
  std::string out;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    if (i > 0) out += '/';
    const auto& s = segments_[i];
    switch (s.k) {
      case kind::literal:
        out += s.text;
        break;
      case kind::tenant:
        out += tenant;
        break;
      case kind::building:
        out += building;
        break;
      case kind::sensor:
        out += sensor;
        break;
    }
  }
  return out;
}

std::string topic_pattern::subscription() const {
  std::string out;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    if (i > 0) out += '/';
    out += segments_[i].k == kind::literal ? segments_[i].text : std::string("+");
  }
  return out;
}

bool topic_pattern::may_match(std::string_view filter) const {
  const auto levels = split_levels(filter);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i] == "#") return true;  // matches the rest, including nothing
    if (i >= segments_.size()) return false;
    if (levels[i] == "+" || segments_[i].k != kind::literal)
      continue;  // a placeholder can be
                 // anything
    if (levels[i] != segments_[i].text) return false;
  }
  return levels.size() == segments_.size();
}

}  // namespace energy::transport::mqtt
