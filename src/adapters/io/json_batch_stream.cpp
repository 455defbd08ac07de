// SPDX-License-Identifier: Apache-2.0
// The streamed JSON batch reader: a small tokenizer walks the document's outer structure (the
// top-level object or array, the `readings` array's separators) and finds where each element
// ends; complete elements are parsed in windows by the same simdjson code as the whole-document
// parse (json_batch_elements.hpp), so rows, rejections and messages are the same. Memory: one
// read block, the element being scanned (at most max_element_bytes) and one chunk of results.
#include <energy/io/json_batch.hpp>

#include "json_batch_elements.hpp"

#include <energy/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>

namespace energy::io {
namespace {

using namespace json_detail;

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Where a bare value (number, literal, or garbage) ends, as simdjson's tokenizer splits them.
bool ends_atom(char c) noexcept {
  return is_space(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == ':' ||
         c == '"';
}

class batch_stream {
 public:
  batch_stream(std::istream& in, std::string_view source_name, const json_stream_options& options,
               const json_chunk_handler& on_chunk)
      : in_(in), source_(source_name), options_(options), on_chunk_(on_chunk) {
    if (options_.chunk_rows == 0) options_.chunk_rows = 1;
    if (options_.read_bytes == 0) options_.read_bytes = 1;
    next_read_ = std::min<std::size_t>(options_.read_bytes, 64 * 1024);
  }

  void run() {
    skip_space();
    const auto c = peek();
    if (!c) fail(pos_, "the input is empty: not a JSON document");
    object_mode_ = *c == '{';
    if (*c == '[') {
      ++pos_;
      elements();
    } else if (*c == '{') {
      ++pos_;
      members();
    } else {
      fail(pos_, "the document is neither an object nor an array");
    }
    skip_space();
    if (peek()) fail(pos_, "content after the document");
    hand_over();
  }

 private:
  // ---- input window: buf_ holds input bytes [base_, base_ + buf_.size()) -------------------

  /// Reads more input after handing the pending elements to simdjson and dropping the bytes no
  /// scan still needs. False at the end of the input.
  bool fill() {
    flush_window();
    std::size_t keep = std::min({pos_, mark_, key_mark_});
    // Moving the kept tail costs its length: drop the head only when it is at least as long, so
    // a long element read in small blocks is copied O(its length) times in total, not squared.
    if (keep < buf_.size() - keep) keep = 0;
    base_line_ += static_cast<std::size_t>(
        std::count(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(keep), '\n'));
    buf_.erase(0, keep);
    base_ += keep;
    pos_ -= keep;
    if (mark_ != none) mark_ -= keep;
    if (key_mark_ != none) key_mark_ -= keep;
    if (eof_) return false;
    // Reads grow to read_bytes from 64 KiB, so a small input never allocates a whole block.
    const std::size_t want = next_read_;
    next_read_ = std::min(next_read_ * 2, options_.read_bytes);
    const std::size_t old = buf_.size();
    buf_.resize(old + want);
    in_.read(buf_.data() + old, static_cast<std::streamsize>(want));
    const auto got = static_cast<std::size_t>(in_.gcount());
    buf_.resize(old + got);
    if (in_.bad()) throw parse_error(fmt::format("{}: read error", source_));
    if (got == 0) eof_ = true;
    return got > 0;
  }

  std::optional<char> peek() {
    while (pos_ == buf_.size())
      if (!fill()) return std::nullopt;
    return buf_[pos_];
  }

  void skip_space() {
    for (auto c = peek(); c && is_space(*c); c = peek())
      ++pos_;
  }

  /// Scans one value starting at pos_ (which must be readable) and leaves pos_ after it.
  /// Returns where it starts. Brackets are only counted here: simdjson checks the value itself.
  /// `index`: the array index of an element (named in errors), `none` otherwise.
  std::size_t scan_value(const char* what, std::size_t index = none) {
    mark_ = pos_;
    const char first = buf_[pos_];
    if (first == '}' || first == ']' || first == ',' || first == ':')
      fail(pos_, fmt::format("{}: expected a value", name(what, index)));
    if (first == '{' || first == '[' || first == '"') {
      int depth = first == '"' ? 0 : 1;
      bool in_string = first == '"', escaped = false;
      ++pos_;
      while (in_string || depth > 0) {
        if (pos_ == buf_.size()) {
          check_length(what, index);
          if (!fill())
            fail(mark_,
                 fmt::format("{} is not closed before the end of the input", name(what, index)));
        }
        const char c = buf_[pos_++];
        if (in_string) {
          if (escaped)
            escaped = false;
          else if (c == '\\')
            escaped = true;
          else if (c == '"')
            in_string = false;
        } else if (c == '"') {
          in_string = true;
        } else if (c == '{' || c == '[') {
          ++depth;
        } else if (c == '}' || c == ']') {
          --depth;
        }
      }
    } else {
      for (;;) {
        if (pos_ == buf_.size()) {
          check_length(what, index);
          if (!fill()) break;
        }
        if (ends_atom(buf_[pos_])) break;
        ++pos_;
      }
    }
    check_length(what, index);
    const std::size_t begin = mark_;
    mark_ = none;
    return begin;
  }

  void check_length(const char* what, std::size_t index) const {
    if (pos_ - mark_ > options_.max_element_bytes)
      fail(mark_, fmt::format("{} is longer than {} bytes (json_stream_options::max_element_bytes)",
                              name(what, index), options_.max_element_bytes));
  }

  static std::string name(const char* what, std::size_t index) {
    return index == none ? std::string(what) : fmt::format("readings[{}]", index);
  }

  [[noreturn]] void fail(std::size_t at, std::string_view what,
                         simdjson::error_code code = simdjson::SUCCESS) const {
    at = std::min(at, buf_.size());
    const auto line =
        base_line_ + static_cast<std::size_t>(std::count(
                         buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    throw parse_error(malformed(source_, static_cast<std::size_t>(base_) + at, line, what, code));
  }

  // ---- document structure -------------------------------------------------------------------

  void members() {
    skip_space();
    auto c = peek();
    bool found = false;
    if (c && *c == '}') {
      ++pos_;
    } else {
      for (;;) {
        if (!c) fail(pos_, "the top-level object is not closed");
        if (*c != '"') fail(pos_, "expected a key in the top-level object");
        key_mark_ = scan_value("a top-level key");
        const std::string_view key(buf_.data() + key_mark_ + 1, pos_ - key_mark_ - 2);
        const bool readings = !found && key == "readings";
        skip_space();
        c = peek();
        if (!c || *c != ':') fail(pos_, "expected ':' after a top-level key");
        ++pos_;
        skip_space();
        c = peek();
        if (!c) fail(pos_, "a top-level key has no value");
        if (readings) {
          key_mark_ = none;
          if (*c != '[') fail(pos_, "\"readings\" is not an array");
          ++pos_;
          elements();
          found = true;
        } else {
          (void)scan_value("an ignored top-level value");
          check_ignored_member();
        }
        skip_space();
        c = peek();
        if (!c) fail(pos_, "the top-level object is not closed");
        if (*c == '}') {
          ++pos_;
          break;
        }
        if (*c != ',') fail(pos_, "expected ',' or '}' in the top-level object");
        ++pos_;
        skip_space();
        c = peek();
      }
    }
    if (!found) fail(pos_, "no \"readings\" array in the top-level object");
  }

  /// The ignored member buf_[key_mark_, pos_) checked as `{member}` by the shared code.
  void check_ignored_member() {
    const std::size_t begin = key_mark_;
    key_mark_ = none;
    parse_padded_window(begin, pos_, "{", "}", [](od::document& doc) {
      od::object obj;
      require(doc.get_object().get(obj), "top-level object");
      for (auto field_result : obj) {
        od::field f;
        require(std::move(field_result).get(f), "top-level field");
        check_skipped(f.value(), "value of an ignored top-level key");
      }
    });
  }

  void elements() {
    skip_space();
    auto c = peek();
    if (c && *c == ']') {
      ++pos_;
      return;
    }
    for (;;) {
      if (!c) fail(pos_, "the readings array is not closed");
      const std::size_t begin = scan_value("an array element", next_index_ + window_count_);
      if (window_count_ == 0) window_begin_ = begin;
      window_end_ = pos_;
      ++window_count_;
      if (chunk_.batch.size() + chunk_.rejections.size() + window_count_ >= options_.chunk_rows) {
        flush_window();
        hand_over();
      }
      skip_space();
      c = peek();
      if (!c) fail(pos_, "the readings array is not closed");
      if (*c == ']') {
        ++pos_;
        flush_window();
        return;
      }
      if (*c != ',')
        fail(pos_, fmt::format("expected ',' or ']' after readings[{}]",
                               next_index_ + window_count_ - 1));
      ++pos_;
      skip_space();
      c = peek();
    }
  }

  /// Parses the pending complete elements as an array at the same depth as in the document.
  void flush_window() {
    if (window_count_ == 0) return;
    const std::size_t count = window_count_, first = next_index_;
    window_count_ = 0;
    next_index_ += count;
    const std::size_t before = chunk_.batch.size() + chunk_.rejections.size();
    parse_padded_window(window_begin_, window_end_, object_mode_ ? R"({"":[)" : "[",
                        object_mode_ ? "]}" : "]", [&](od::document& doc) {
                          od::array arr;
                          if (object_mode_) {
                            od::object obj;
                            require(doc.get_object().get(obj), "top-level object");
                            for (auto field_result : obj) {
                              od::field f;
                              require(std::move(field_result).get(f), "top-level field");
                              require(f.value().get_array().get(arr), "readings");
                              break;
                            }
                          } else {
                            require(doc.get_array().get(arr), "top-level array");
                          }
                          parse_array(arr, chunk_, source_, first);
                        });
    // The tokenizer and simdjson must agree on where elements end.
    if (chunk_.batch.size() + chunk_.rejections.size() - before != count)
      fail(window_begin_, "array elements could not be told apart");
  }

  template <class Parse>
  void parse_padded_window(std::size_t begin, std::size_t end, std::string_view prefix,
                           std::string_view suffix, const Parse& parse) {
    text_.assign(prefix);
    text_.append(buf_, begin, end - begin);
    text_.append(suffix);
    const std::size_t size = text_.size();
    text_.resize(size + simdjson::SIMDJSON_PADDING, '\0');
    od::document doc;
    if (const auto e =
            parser_.iterate(simdjson::padded_string_view(text_.data(), size, text_.size()))
                .get(doc);
        e != simdjson::SUCCESS)
      fail(begin, "the JSON text does not parse", e);
    try {
      parse(doc);
    } catch (const document_broken& broken) {
      // Where simdjson stopped, mapped back to the input (the end when it ran past it).
      const char* at = nullptr;
      std::size_t local = end - begin;
      if (doc.current_location().get(at) == simdjson::SUCCESS) {
        const auto offset = static_cast<std::size_t>(at - text_.data());
        local = offset > prefix.size() ? std::min(local, offset - prefix.size()) : 0;
      }
      fail(begin + local, broken.what, broken.code);
    }
  }

  static void require(simdjson::error_code e, const char* what) {
    if (e != simdjson::SUCCESS) throw document_broken{e, what};
  }

  void hand_over() {
    if (chunk_.batch.empty() && chunk_.rejections.empty()) return;
    on_chunk_(std::move(chunk_));
    chunk_.batch.clear();
    chunk_.rejections.clear();
  }

  std::istream& in_;
  std::string source_;
  json_stream_options options_;
  const json_chunk_handler& on_chunk_;

  std::string buf_;
  std::size_t pos_ = 0;
  std::size_t mark_ = none;      ///< start of the value being scanned
  std::size_t key_mark_ = none;  ///< start of an ignored top-level member
  std::uint64_t base_ = 0;       ///< input offset of buf_[0]
  std::size_t base_line_ = 1;    ///< line of buf_[0]
  bool eof_ = false;
  std::size_t next_read_ = 0;  ///< bytes the next read asks for

  bool object_mode_ = false;
  std::size_t window_begin_ = 0, window_end_ = 0, window_count_ = 0;
  std::size_t next_index_ = 0;  ///< array index of the window's first element
  parsed_readings chunk_;
  od::parser parser_;
  std::string text_;  ///< the padded copy simdjson parses
};

}  // namespace

void read_json_batch(std::istream& in, std::string_view source_name,
                     const json_stream_options& options, const json_chunk_handler& on_chunk) {
  batch_stream(in, source_name, options, on_chunk).run();
}

void read_json_batch_file(const std::filesystem::path& path, const json_stream_options& options,
                          const json_chunk_handler& on_chunk) {
  if (path == "-") return read_json_batch(std::cin, "<stdin>", options, on_chunk);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw parse_error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  read_json_batch(in, path.string(), options, on_chunk);
}

parsed_readings read_json_batch(std::istream& in, std::string_view source_name) {
  json_stream_options options;
  options.chunk_rows = std::numeric_limits<std::size_t>::max();
  parsed_readings result;
  read_json_batch(in, source_name, options,
                  [&](parsed_readings&& chunk) { result = std::move(chunk); });
  return result;
}

parsed_readings read_json_batch_file(const std::filesystem::path& path) {
  json_stream_options options;
  options.chunk_rows = std::numeric_limits<std::size_t>::max();
  parsed_readings result;
  read_json_batch_file(path, options, [&](parsed_readings&& chunk) { result = std::move(chunk); });
  return result;
}

}  // namespace energy::io
