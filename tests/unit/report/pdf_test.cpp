// SPDX-License-Identifier: Apache-2.0
// The PDF rendering, checked with Debian's poppler-utils: the text pdftotext extracts carries the
// same numbers as the JSON report, every page renders with pdftoppm and the chart pages are not
// blank, fonts are embedded.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <energy/report/format.hpp>
#include <energy/report/pdf.hpp>
#include <energy/report/render.hpp>

#include "../../support/report_site.hpp"

using namespace energy;
using namespace energy::report;
using energy::testing::local_midnight_utc;
using energy::testing::site;

namespace {

namespace fs = std::filesystem;

energy::report::report make(report_type type, const uuid& building) {
  report_request q;
  q.type = type;
  q.building_id = building;
  q.end = std::chrono::local_days{std::chrono::year{2024} / 4 / 1};
  q.now = local_midnight_utc(2024, 4, 10, "America/Chicago");
  q.tariffs = {{std::chrono::local_days{std::chrono::year{2024} / 1 / 1},
                billing::flat_energy_tariff(*money::parse("0.12")), "USD"},
               {std::chrono::local_days{std::chrono::year{2024} / 3 / 16},
                billing::flat_energy_tariff(*money::parse("0.15")), "USD"}};
  return build_report(*site().db, q);
}

/// A scratch directory removed at the end of the test.
struct scratch {
  fs::path dir;
  scratch() {
    dir = fs::temp_directory_path() / ("energy-pdf-" + uuid::v7().to_string());
    fs::create_directories(dir);
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (const auto n = fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  REQUIRE(pclose(p) == 0);
  return out;
}

fs::path write_pdf(const scratch& s, const energy::report::report& r) {
  const auto path = s.dir / "report.pdf";
  std::ofstream(path, std::ios::binary) << to_pdf(r);
  return path;
}

/// All whitespace runs as one space: pdftotext breaks lines where pango wrapped them.
std::string squeeze(const std::string& s) {
  return std::regex_replace(s, std::regex("\\s+"), " ");
}

std::string text_of(const fs::path& pdf, int page = 0) {
  std::string range = page > 0 ? fmt::format("-f {} -l {} ", page, page) : "";
  return squeeze(run(fmt::format("{} {}'{}' -", ENERGY_PDFTOTEXT, range, pdf.string())));
}

int page_count(const fs::path& pdf) {
  const auto text = text_of(pdf);
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex("Page 1 of (\\d+)")));
  return std::stoi(m[1]);
}

/// Share of pixels of page `page` (grey, 40 dpi) darker than near-white.
double ink_share(const scratch& s, const fs::path& pdf, int page) {
  const auto base = s.dir / fmt::format("page{}", page);
  run(fmt::format("{} -gray -r 40 -singlefile -f {} -l {} '{}' '{}'", ENERGY_PDFTOPPM, page, page,
                  pdf.string(), base.string()));
  std::ifstream in(base.string() + ".pgm", std::ios::binary);
  std::string magic;
  int w = 0, h = 0, max = 0;
  in >> magic >> w >> h >> max;
  in.get();
  REQUIRE(magic == "P5");
  std::vector<unsigned char> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  in.read(reinterpret_cast<char*>(px.data()), static_cast<std::streamsize>(px.size()));
  REQUIRE(in.gcount() == static_cast<std::streamsize>(px.size()));
  const auto dark = std::count_if(px.begin(), px.end(), [](unsigned char v) { return v < 235; });
  return static_cast<double>(dark) / static_cast<double>(px.size());
}

}  // namespace

TEST_CASE("The numbers in the PDF text equal the JSON report's") {
  const scratch s;
  const auto r = make(report_type::efficiency, site().office);
  const auto j = nlohmann::json::parse(to_json(r));
  const auto pdf = write_pdf(s, r);
  const auto text = text_of(pdf);
  const auto& k = j["kpis"];
  CHECK(text.find(k["consumption_kwh"].get<std::string>() + " kWh") != std::string::npos);
  CHECK(text.find(k["peak_demand_kw"].get<std::string>() + " kW") != std::string::npos);
  CHECK(text.find(k["cost"].get<std::string>() + " USD") != std::string::npos);
  CHECK(text.find(format_number(k["eui_kbtu_per_ft2_year"].get<double>(), 1) + " kBtu/ft²/yr") !=
        std::string::npos);
  CHECK(text.find(format_percent(k["change_vs_previous_period"]["percent"].get<double>())) !=
        std::string::npos);
  CHECK(text.find(format_percent(j["baseline"]["deviation_percent"].get<double>())) !=
        std::string::npos);
  // Every insight, character for character (its numbers included); whitespace is left out of
  // the comparison because pango may break a line after any "/" or "-".
  const auto no_space = [](const std::string& t) {
    return std::regex_replace(t, std::regex("\\s+"), "");
  };
  const auto solid = no_space(text);
  for (const auto& i : j["insights"]) {
    INFO(i["text"]);
    CHECK(solid.find(no_space(i["text"].get<std::string>())) != std::string::npos);
  }
  // Each bill's total and each recommendation's saving.
  for (const auto& b : j["bills"])
    CHECK(text.find(b["total"].get<std::string>() + " USD") != std::string::npos);
  for (const auto& rec : j["recommendations"])
    CHECK(text.find(rec["saving_kwh"].get<std::string>()) != std::string::npos);
  CHECK(text.find(r.report_id) != std::string::npos);
}

TEST_CASE("Every page renders, chart pages are not blank, and fonts are embedded") {
  const scratch s;
  const auto r = make(report_type::forecast, site().office);
  const auto pdf = write_pdf(s, r);
  const int pages = page_count(pdf);
  REQUIRE(pages >= 4);
  for (int p = 1; p <= pages; ++p) {
    INFO("page " << p);
    CHECK(text_of(pdf, p).find(fmt::format("Page {} of {}", p, pages)) != std::string::npos);
    CHECK(ink_share(s, pdf, p) > 0.005);
  }
  // Pages 2 (daily chart, heat map, monthly peaks) and 3 (bill breakdown, forecast chart).
  CHECK(ink_share(s, pdf, 2) > 0.05);
  CHECK(ink_share(s, pdf, 3) > 0.03);
  CHECK(text_of(pdf, 2).find("Load profile") != std::string::npos);
  CHECK(text_of(pdf, 3).find("Forecast for 2024-04") != std::string::npos);
  const auto fonts = run(fmt::format("{} '{}'", ENERGY_PDFFONTS, pdf.string()));
  std::istringstream lines(fonts);
  std::string line;
  int listed = 0;
  std::getline(lines, line);  // header
  std::getline(lines, line);  // rule
  while (std::getline(lines, line)) {
    ++listed;
    INFO(line);
    CHECK(line.find(" yes ") != std::string::npos);  // emb column
  }
  CHECK(listed > 0);
}

TEST_CASE("A building with no data renders a one-page PDF that says so") {
  const scratch s;
  const auto r = make(report_type::efficiency, site().empty);
  const auto pdf = write_pdf(s, r);
  CHECK(page_count(pdf) == 1);
  CHECK(text_of(pdf).find("No electricity readings were recorded for Empty in 2024-03") !=
        std::string::npos);
}

TEST_CASE("A comparison PDF lists each building with its EUI") {
  const scratch s;
  const auto r = make(report_type::comparison, site().office);
  const auto pdf = write_pdf(s, r);
  const auto text = text_of(pdf);
  for (const auto& row : r.comparison) {
    CHECK(text.find(row.name) != std::string::npos);
    if (row.eui_kwh_per_ft2_year)
      CHECK(text.find(format_number(*row.eui_kwh_per_ft2_year, 2)) != std::string::npos);
  }
  CHECK(ink_share(s, pdf, 2) > 0.01);
}
