// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/**
 * MQTT topic patterns with named segments, e.g. `energy/{tenant}/{building}/{sensor}`.
 *
 * A pattern is `/`-separated; a segment is either literal text or exactly one of the
 * placeholders `{tenant}`, `{building}`, `{sensor}` (each at most once). The MQTT wildcards `+`
 * and `#` are not allowed in a pattern: the placeholders are the wildcards. The subscription
 * filter replaces each placeholder with `+`.
 *
 * Thread-safety: immutable after construction.
 */
namespace energy::transport::mqtt {

class topic_pattern {
 public:
  /// @throws std::invalid_argument naming the pattern and the problem (empty segment, wildcard,
  ///         unknown or repeated placeholder, a placeholder mixed with text in one segment).
  explicit topic_pattern(std::string pattern);

  /// The values a topic carries in the placeholder segments (views into the matched topic).
  struct fields {
    std::string_view tenant;    ///< empty when the pattern has no {tenant}
    std::string_view building;  ///< empty when the pattern has no {building}
    std::string_view sensor;    ///< empty when the pattern has no {sensor}
  };

  /// The fields of `topic`, or std::nullopt when it does not match the pattern (other level
  /// count, other literal text, an empty placeholder segment).
  [[nodiscard]] std::optional<fields> match(std::string_view topic) const;

  /// The pattern with placeholders replaced by these values (used for error topics).
  [[nodiscard]] std::string expand(std::string_view tenant, std::string_view building,
                                   std::string_view sensor = {}) const;

  /// The MQTT subscription filter: each placeholder becomes `+`.
  [[nodiscard]] std::string subscription() const;

  /// True when some topic that this pattern can produce would match `filter` (an MQTT
  /// subscription filter with `+`/`#`). Used to refuse an error topic that the consumer would
  /// read back as input.
  [[nodiscard]] bool may_match(std::string_view filter) const;

  [[nodiscard]] bool has(std::string_view placeholder) const noexcept;
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  enum class kind : unsigned char { literal, tenant, building, sensor };
  struct segment {
    kind k = kind::literal;
    std::string text;
  };
  std::string text_;
  std::vector<segment> segments_;
};

}  // namespace energy::transport::mqtt

ENERGY_API_END
