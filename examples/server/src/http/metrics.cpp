// SPDX-License-Identifier: Apache-2.0
#include "http/metrics.hpp"

#include <cstdio>

namespace energy::server {

namespace {

std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string with_label(const std::string& labels, std::string_view extra) {
  if (labels.empty()) return "{" + std::string(extra) + "}";
  return labels.substr(0, labels.size() - 1) + "," + std::string(extra) + "}";
}

}  // namespace

std::string metrics::render_labels(metric_labels labels) {
  if (labels.size() == 0) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out.push_back(',');
    first = false;
    out += k;
    out += "=\"";
    out += escape_label(v);
    out += '"';
  }
  out.push_back('}');
  return out;
}

void metrics::describe(std::string_view name, std::string_view type, std::string_view help) {
  const std::lock_guard lock(mutex_);
  auto& f = families_[std::string(name)];
  f.type = type;
  f.help = help;
}

void metrics::add(std::string_view counter, metric_labels labels, double by) {
  const std::string key = render_labels(labels);
  const std::lock_guard lock(mutex_);
  auto& f = families_[std::string(counter)];
  if (f.type.empty()) f.type = "counter";
  f.values[key] += by;
}

void metrics::set(std::string_view gauge, metric_labels labels, double value) {
  const std::string key = render_labels(labels);
  const std::lock_guard lock(mutex_);
  auto& f = families_[std::string(gauge)];
  if (f.type.empty()) f.type = "gauge";
  f.values[key] = value;
}

void metrics::observe(std::string_view name, metric_labels labels, double value,
                      std::initializer_list<double> buckets) {
  const std::string key = render_labels(labels);
  const std::lock_guard lock(mutex_);
  auto& f = families_[std::string(name)];
  if (f.type.empty()) f.type = "histogram";
  auto& h = f.histograms[key];
  if (h.bounds.empty()) {
    h.bounds = buckets.size() != 0
                   ? std::vector<double>(buckets)
                   : std::vector<double>{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                         0.25,  0.5,    1,     2.5,  5,     10};
    h.counts.assign(h.bounds.size(), 0);
  }
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    if (value <= h.bounds[i]) {
      ++h.counts[i];
      break;
    }
  }
  ++h.count;
  h.sum += value;
}

double metrics::value(std::string_view name, metric_labels labels) const {
  const std::string key = render_labels(labels);
  const std::lock_guard lock(mutex_);
  const auto f = families_.find(name);
  if (f == families_.end()) return 0;
  const auto v = f->second.values.find(key);
  return v == f->second.values.end() ? 0 : v->second;
}

std::string metrics::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + (f.type.empty() ? "untyped" : f.type) + "\n";
    for (const auto& [labels, v] : f.values)
      out += name + labels + " " + number(v) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < h.bounds.size(); ++i) {
        cumulative += h.counts[i];
        out += name + "_bucket" + with_label(labels, "le=\"" + number(h.bounds[i]) + "\"") + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + with_label(labels, "le=\"+Inf\"") + " " + std::to_string(h.count) +
             "\n";
      out += name + "_sum" + labels + " " + number(h.sum) + "\n";
      out += name + "_count" + labels + " " + std::to_string(h.count) + "\n";
    }
  }
  return out;
}

}  // namespace energy::server
