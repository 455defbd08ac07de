// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <energy/error.hpp>

namespace energy::archive {

/**
 * A flat namespace of immutable-ish objects addressed by key ("readings/2024-07-01.csv.gz"):
 * the port the archive writes to. Keys use '/' as a separator, never start with '/', and never
 * contain "..". Errors are `storage_error` (retryable for transport failures and server errors).
 * Thread-safety: one object per thread.
 */
class object_store {
 public:
  virtual ~object_store() = default;
  object_store(const object_store&) = delete;
  object_store& operator=(const object_store&) = delete;

  /// Creates or replaces the object. Returns only once the object is stored.
  virtual void put(std::string_view key, std::string_view bytes) = 0;
  /// The object's bytes; nullopt when there is none.
  [[nodiscard]] virtual std::optional<std::string> get(std::string_view key) = 0;
  /// Keys starting with `prefix`, sorted.
  [[nodiscard]] virtual std::vector<std::string> list(std::string_view prefix) = 0;
  /// Removes the object; removing a missing object is not an error.
  virtual void remove(std::string_view key) = 0;

 protected:
  object_store() = default;
};

/// Objects as files under `root` (created when missing). put() writes a temporary file and
/// renames it, so a reader never sees half an object.
[[nodiscard]] std::unique_ptr<object_store> open_directory_store(const std::filesystem::path& root);

/// An S3-compatible endpoint (AWS S3, MinIO, moto, ...), path-style addressing:
/// `<endpoint>/<bucket>/<key>`, requests signed with AWS Signature V4 (libcurl).
struct s3_config {
  std::string endpoint;  ///< "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:9000"
  std::string bucket;    ///< 3-63 characters
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  bool create_bucket = false;  ///< create the bucket on open when missing
  std::chrono::seconds timeout{60};
  int max_attempts = 3;  ///< for transport errors and 5xx answers, with backoff
};

/// @throws std::invalid_argument for an incomplete config; storage_error when create_bucket fails.
[[nodiscard]] std::unique_ptr<object_store> open_s3_store(const s3_config& config);

}  // namespace energy::archive

ENERGY_API_END
