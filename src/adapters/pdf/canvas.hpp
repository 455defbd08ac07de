// SPDX-License-Identifier: Apache-2.0
// A page canvas over cairo + pango: text boxes, rectangles, lines, in PDF points (A4 portrait).
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <string>
#include <string_view>

namespace energy::report::pdf {

inline constexpr double page_width = 595.276;
inline constexpr double page_height = 841.89;
inline constexpr double margin = 42.0;
inline constexpr double content_width = page_width - 2 * margin;

struct rgb {
  double r = 0, g = 0, b = 0;
};

namespace colors {
inline constexpr rgb ink{0.13, 0.15, 0.18};
inline constexpr rgb muted{0.42, 0.45, 0.50};
inline constexpr rgb rule{0.80, 0.82, 0.85};
inline constexpr rgb tile{0.95, 0.96, 0.97};
inline constexpr rgb accent{0.12, 0.39, 0.65};
inline constexpr rgb band{0.80, 0.87, 0.95};
inline constexpr rgb warn{0.80, 0.33, 0.10};
inline constexpr rgb good{0.15, 0.55, 0.30};
inline constexpr rgb zebra{0.97, 0.97, 0.98};
}  // namespace colors

enum class align { left, center, right };

/// Text style: a Pango font description ("DejaVu Sans 9") and a colour.
struct style {
  const char* font = "DejaVu Sans 9";
  rgb color = colors::ink;
  align alignment = align::left;
  /// Break inside words that do not fit (table cells holding identifiers); prose breaks between
  /// words only, so a number is never split across lines.
  bool break_words = false;
};

/// Drawing on the current page of a cairo context. Not copyable; owns one PangoLayout.
class canvas {
 public:
  explicit canvas(cairo_t* cr);
  ~canvas();
  canvas(const canvas&) = delete;
  canvas& operator=(const canvas&) = delete;

  /// Draws `text` in a box `width` wide at (x, y) (top-left), wrapping words; returns its height.
  double text(double x, double y, double width, std::string_view text, const style& s);
  /// Height `text` would take in a box `width` wide, without drawing.
  double measure(double width, std::string_view text, const style& s);
  void fill_rect(double x, double y, double w, double h, rgb c);
  void stroke_rect(double x, double y, double w, double h, rgb c, double line_width = 0.5);
  void line(double x0, double y0, double x1, double y1, rgb c, double width = 0.5,
            bool dashed = false);
  void set_color(rgb c);
  [[nodiscard]] cairo_t* cr() const noexcept { return cr_; }

 private:
  void prepare(double width, std::string_view text, const style& s);
  cairo_t* cr_;
  PangoLayout* layout_;
};

}  // namespace energy::report::pdf
