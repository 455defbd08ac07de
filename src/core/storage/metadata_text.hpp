// SPDX-License-Identifier: Apache-2.0
// Internal: the text fields of metadata must be valid UTF-8 before any store keeps them.
#pragma once

#include <energy/model.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace energy::storage::detail {

/// The byte offset of the first byte of `text` that does not start a well-formed UTF-8 sequence
/// (overlong forms, surrogates and code points above U+10FFFF are not well formed), or nullopt.
[[nodiscard]] std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

/// @throws std::invalid_argument naming the object, the field and the byte offset when a text
/// field is not valid UTF-8. Names flow into JSON answers, reports and webhooks, which cannot
/// carry invalid bytes; the CLI, a C++ caller or a CSV could otherwise store them.
void check_metadata_text(const tenant& t);
void check_metadata_text(const building& b);
void check_metadata_text(const sensor& s);
void check_metadata_text(const alert_config& a);

}  // namespace energy::storage::detail
