// SPDX-License-Identifier: Apache-2.0
#include "canvas.hpp"

#include <energy/error.hpp>

namespace energy::report::pdf {

canvas::canvas(cairo_t* cr) : cr_(cr), layout_(pango_cairo_create_layout(cr)) {
  if (layout_ == nullptr) throw error("pdf: pango could not create a text layout");
}

canvas::~canvas() {
  g_object_unref(layout_);
}

void canvas::prepare(double width, std::string_view text, const style& s) {
  PangoFontDescription* fd = pango_font_description_from_string(s.font);
  pango_layout_set_font_description(layout_, fd);
  pango_layout_set_wrap(layout_, s.break_words ? PANGO_WRAP_WORD_CHAR : PANGO_WRAP_WORD);
  pango_font_description_free(fd);
  pango_layout_set_width(layout_, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_alignment(layout_, s.alignment == align::left     ? PANGO_ALIGN_LEFT
                                      : s.alignment == align::center ? PANGO_ALIGN_CENTER
                                                                     : PANGO_ALIGN_RIGHT);
  pango_layout_set_text(layout_, text.data(), static_cast<int>(text.size()));
}

double canvas::measure(double width, std::string_view text, const style& s) {
  prepare(width, text, s);
  int w = 0, h = 0;
  pango_layout_get_size(layout_, &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

double canvas::text(double x, double y, double width, std::string_view text, const style& s) {
  prepare(width, text, s);
  set_color(s.color);
  cairo_move_to(cr_, x, y);
  pango_cairo_update_layout(cr_, layout_);
  pango_cairo_show_layout(cr_, layout_);
  int w = 0, h = 0;
  pango_layout_get_size(layout_, &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

void canvas::set_color(rgb c) {
  cairo_set_source_rgb(cr_, c.r, c.g, c.b);
}

void canvas::fill_rect(double x, double y, double w, double h, rgb c) {
  set_color(c);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_fill(cr_);
}

void canvas::stroke_rect(double x, double y, double w, double h, rgb c, double line_width) {
  set_color(c);
  cairo_set_line_width(cr_, line_width);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_stroke(cr_);
}

void canvas::line(double x0, double y0, double x1, double y1, rgb c, double width, bool dashed) {
  set_color(c);
  cairo_set_line_width(cr_, width);
  if (dashed) {
    const double d[] = {3.0, 2.0};
    cairo_set_dash(cr_, d, 2, 0);
  }
  cairo_move_to(cr_, x0, y0);
  cairo_line_to(cr_, x1, y1);
  cairo_stroke(cr_);
  if (dashed) cairo_set_dash(cr_, nullptr, 0, 0);
}

}  // namespace energy::report::pdf
