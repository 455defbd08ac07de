// SPDX-License-Identifier: Apache-2.0
// Test double: an object store whose uploads fail after `ok_puts` successful ones, like an upload
// that dies (network, credentials) or a retention job killed at that point. Reads pass through.
#pragma once

#include <energy/archive/object_store.hpp>
#include <energy/error.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace energy::testing {

class failing_object_store final : public archive::object_store {
 public:
  failing_object_store(archive::object_store& inner, int ok_puts) : inner_(inner), left_(ok_puts) {}
  void put(std::string_view key, std::string_view bytes) override {
    if (left_-- <= 0) throw storage_error("injected upload failure for " + std::string(key), true);
    inner_.put(key, bytes);
  }
  std::optional<std::string> get(std::string_view key) override { return inner_.get(key); }
  std::vector<std::string> list(std::string_view prefix) override { return inner_.list(prefix); }
  void remove(std::string_view key) override { inner_.remove(key); }

 private:
  archive::object_store& inner_;
  int left_;
};

}  // namespace energy::testing
