// SPDX-License-Identifier: Apache-2.0
// A minimal streaming JSON writer (energy::core has no JSON library): objects, arrays, escaped
// strings, integers, and doubles in shortest round-trip form (null for NaN/inf).
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace energy::report::detail {

class json_writer {
 public:
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// The name of the next member (inside an object).
  json_writer& key(std::string_view k) {
    separate();
    write_string(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  void string(std::string_view s) {
    separate();
    write_string(s);
  }
  void integer(std::int64_t v) {
    separate();
    out_ += fmt::format("{}", v);
  }
  void number(double v) {
    separate();
    if (std::isfinite(v))
      out_ += fmt::format("{}", v);
    else
      out_ += "null";
  }
  void boolean(bool v) {
    separate();
    out_ += v ? "true" : "false";
  }
  void null() {
    separate();
    out_ += "null";
  }
  void number(const std::optional<double>& v) { v ? number(*v) : null(); }

  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  void open(char c) {
    separate();
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    out_ += c;
    first_.pop_back();
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
  }
  void write_string(std::string_view s) {
    out_ += '"';
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (ch) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (c < 0x20)
            out_ += fmt::format("\\u{:04x}", c);
          else
            out_ += ch;  // UTF-8 passes through
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace energy::report::detail
