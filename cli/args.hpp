// SPDX-License-Identifier: Apache-2.0
// Minimal command-line parsing for the energy CLI: positional words plus --name value / --flag.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <energy/enum_names.hpp>

namespace energy::cli {

/// A usage mistake: printed with the command's usage, exit code 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Input data refused as a whole (a tariff that cannot bill, ...): exit code 3, like rejected
/// rows of an import.
class data_rejected : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class args {
 public:
  /// Splits argv into positionals and options. `flags` lists options that take no value.
  args(int argc, char** argv, std::vector<std::string> flags);

  [[nodiscard]] const std::vector<std::string>& positionals() const noexcept {
    return positionals_;
  }
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  [[nodiscard]] std::string require(std::string_view name) const;
  [[nodiscard]] std::string get_or(std::string_view name, std::string fallback) const;
  [[nodiscard]] bool flag(std::string_view name) const;
  /// Throws usage_error if any option was given that is not in `known` (typos must not be ignored).
  void check_known(const std::vector<std::string>& known) const;

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::string, std::less<>> options_;
  std::vector<std::string> flags_;
};

/// `--name` (or `fallback` when absent) as an `E`, by its name (energy/enum_names.hpp).
/// @throws usage_error "--name: unknown <enum> '<text>' (accepted: ...)".
template <named_enum E>
[[nodiscard]] E enum_option(const args& a, std::string_view name, std::string fallback) {
  const auto text = a.get_or(name, std::move(fallback));
  try {
    return parse<E>(text);
  } catch (const parse_error& e) {
    throw usage_error("--" + std::string(name) + ": " + e.what());
  }
}

}  // namespace energy::cli
