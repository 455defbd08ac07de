// SPDX-License-Identifier: Apache-2.0
// Green Button XML parser: entry points, the passes in order, and XML loading errors.
#include <fstream>
#include <sstream>
#include <algorithm>

#include <fmt/format.h>

#include "espi_parser.hpp"

namespace energy::greenbutton::espi_reader {

std::string parser::where(pugi::xml_node n) {
  return fmt::format("{}:{}: {}", doc_.source, lines_.line_of(n.offset_debug()),
                     detail::element_path(n));
}

void parser::report(pugi::xml_node n, std::string what) {
  doc_.issues.push_back({where(n), std::move(what)});
}

void parser::report_at(std::string at, std::string what) {
  doc_.issues.push_back({std::move(at), std::move(what)});
}

void parser::throw_xml_error(const pugi::xml_parse_result& r) {
  const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, r.offset));
  std::string inside;
  if (auto open = innermost_open_element(offset)) {
    inside = fmt::format(", inside <{}> opened at line {}", open->first,
                         lines_.line_of(static_cast<std::ptrdiff_t>(open->second)));
  }
  throw parse_error(fmt::format("{}:{}: malformed XML: {}{}", doc_.source,
                                lines_.line_of(static_cast<std::ptrdiff_t>(offset)),
                                r.description(), inside));
}

std::optional<std::pair<std::string, std::size_t>> parser::innermost_open_element(
    std::size_t offset) const {
  std::vector<std::pair<std::string_view, std::size_t>> open;
  const std::string_view t = xml_.substr(0, std::min(offset, xml_.size()));
  std::size_t i = 0;
  auto skip_past = [&](std::string_view end) {
    const auto p = t.find(end, i);
    i = p == std::string_view::npos ? t.size() : p + end.size();
  };
  while ((i = t.find('<', i)) != std::string_view::npos) {
    const std::size_t lt = i;
    const std::string_view rest = t.substr(i);
    if (rest.starts_with("<!--")) {
      skip_past("-->");
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {
      skip_past("]]>");
      continue;
    }
    if (rest.starts_with("<?")) {
      skip_past("?>");
      continue;
    }
    if (rest.starts_with("<!")) {
      skip_past(">");
      continue;
    }
    const bool closing = rest.starts_with("</");
    std::size_t j = i + (closing ? 2 : 1);
    const std::size_t name_start = j;
    while (j < t.size() && t[j] != ' ' && t[j] != '>' && t[j] != '/' && t[j] != '\t' &&
           t[j] != '\n' && t[j] != '\r')
      ++j;
    const std::string_view name = t.substr(name_start, j - name_start);
    char quote = 0;
    while (j < t.size() && (quote != 0 || t[j] != '>')) {
      if (quote == 0 && (t[j] == '"' || t[j] == '\''))
        quote = t[j];
      else if (quote != 0 && t[j] == quote)
        quote = 0;
      ++j;
    }
    const bool self_closing = j < t.size() && j > 0 && t[j - 1] == '/';
    if (closing) {
      // A closing tag that does not match is the error itself: keep the element it fails to
      // close.
      if (!open.empty() && open.back().first == name) open.pop_back();
    } else if (!self_closing || j >= t.size()) {
      open.emplace_back(name, lt);
    }
    i = j < t.size() ? j + 1 : t.size();
  }
  if (open.empty()) return std::nullopt;
  return std::make_pair(std::string(open.back().first), open.back().second);
}

}  // namespace energy::greenbutton::espi_reader

namespace energy::greenbutton {

document parse_buffer(std::string_view xml, std::string_view source_name) {
  return espi_reader::parser(xml, source_name).run();
}

document parse_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw parse_error(fmt::format("{}: cannot open file", file.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw parse_error(fmt::format("{}: read error", file.string()));
  const std::string text = std::move(ss).str();
  return parse_buffer(text, file.string());
}

}  // namespace energy::greenbutton
