// SPDX-License-Identifier: Apache-2.0
// The few primitives the auth module needs beyond libjwt and libargon2: random secrets from the
// operating system's CSPRNG (OpenSSL RAND_bytes), SHA-256 for storing high-entropy secrets
// (refresh tokens, device keys) hashed, and unpadded base64url (RFC 4648 §5) as in JWTs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace energy::server::auth {

/// `n` bytes from the CSPRNG. @throws std::runtime_error if the generator fails (never weak bytes).
[[nodiscard]] std::string random_bytes(std::size_t n);

/// A secret of `bytes` random bytes as base64url text behind `prefix` ("edk_..."): what refresh
/// tokens, device keys and generated passwords are made of.
[[nodiscard]] std::string random_secret(std::string_view prefix, std::size_t bytes = 32);

/// Lower-case hex SHA-256 of `data`: how refresh tokens and device keys are stored. A plain hash is
/// enough for 256-bit random secrets (no dictionary to attack), unlike passwords.
[[nodiscard]] std::string sha256_hex(std::string_view data);

/// Unpadded base64url.
[[nodiscard]] std::string base64url_encode(std::string_view bytes);
/// Decodes unpadded (or padded) base64url; nullopt on any character outside the alphabet or an
/// impossible length.
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace energy::server::auth
