// SPDX-License-Identifier: Apache-2.0
#include "http/router.hpp"

#include <stdexcept>

namespace energy::server {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view s) {
  return decode(s, false);
}

std::optional<std::string> decode_query_component(std::string_view s) {
  return decode(s, true);
}

std::optional<std::multimap<std::string, std::string>> parse_query(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = decode_query_component(pair.substr(0, eq));
    auto value = decode_query_component(eq == std::string_view::npos ? std::string_view{}
                                                                     : pair.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    out.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

router::router(std::vector<route> routes) : routes_(std::move(routes)) {
  for (const auto& r : routes_) {
    if (!r.pattern.starts_with('/'))
      throw std::invalid_argument("route pattern must start with '/': " + r.pattern);
    std::vector<segment> shape;
    for (const auto part : split_path(r.pattern)) {
      if (part.starts_with('{')) {
        if (!part.ends_with('}') || part.size() < 3)
          throw std::invalid_argument("malformed parameter in route pattern " + r.pattern);
        shape.push_back({std::string(part.substr(1, part.size() - 2)), true});
      } else {
        if (part.find_first_of("{}") != std::string_view::npos)
          throw std::invalid_argument("malformed segment in route pattern " + r.pattern);
        shape.push_back({std::string(part), false});
      }
    }
    for (std::size_t i = 0; i < shapes_.size(); ++i) {
      const auto& other = shapes_[i];
      if (routes_[i].method != r.method || other.size() != shape.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < shape.size() && same; ++k) {
        same = other[k].is_param == shape[k].is_param &&
               (shape[k].is_param || other[k].text == shape[k].text);
      }
      if (same) {
        throw std::invalid_argument("two routes " + std::string(to_string(r.method)) + " " +
                                    r.pattern + " and " + routes_[i].pattern + " are the same");
      }
    }
    shapes_.push_back(std::move(shape));
  }
}

router::match_result router::match(http_method method, std::string_view raw_path) const {
  match_result result;
  const auto parts = split_path(raw_path);
  // Best match: compare literal-ness segment by segment; the first literal where the other has a
  // parameter wins.
  const std::vector<segment>* best_shape = nullptr;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& shape = shapes_[i];
    if (shape.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t k = 0; k < shape.size() && ok; ++k)
      ok = shape[k].is_param ? !parts[k].empty() : shape[k].text == parts[k];
    if (!ok) continue;
    if (routes_[i].method != method) {
      bool listed = false;
      for (const auto m : result.allowed)
        listed = listed || m == routes_[i].method;
      if (!listed) result.allowed.push_back(routes_[i].method);
      continue;
    }
    bool better = best_shape == nullptr;
    for (std::size_t k = 0; !better && k < shape.size(); ++k) {
      if (shape[k].is_param != (*best_shape)[k].is_param) {
        better = !shape[k].is_param;
        break;
      }
    }
    if (better) {
      best_shape = &shape;
      result.found = &routes_[i];
    }
  }
  if (result.found == nullptr) return result;
  for (std::size_t k = 0; k < best_shape->size(); ++k) {
    if (!(*best_shape)[k].is_param) continue;
    auto value = percent_decode(parts[k]);
    if (!value) {
      result.bad_encoding = true;
      return result;
    }
    result.path_params[(*best_shape)[k].text] = std::move(*value);
  }
  return result;
}

}  // namespace energy::server
