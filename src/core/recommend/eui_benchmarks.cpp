// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <cctype>

#include <energy/recommend/recommend.hpp>

namespace energy::recommend {
namespace {

// Median site EUI (kBtu/ft²/yr) by Portfolio Manager property type.
// Source: U.S. EPA, ENERGY STAR Portfolio Manager Technical Reference "U.S. Energy Use Intensity by
// Property Type" (August 2018), as tabulated on https://www.energystar.gov/buildings/benchmark/
// understand_metrics/what_eui ("Median EUIs in the United States", Site EUI column), retrieved
// 2026-11-26. Only rows read from that table are listed. The retrieved part of the page showed
// Financial Office (116.4 source / 52.9 site) but not the plain Office row; "office" uses 52.9 on
// the understanding that the table lists Office with the same values (to verify:
// docs/recommendations.md).
constexpr std::array<eui_benchmark, 13> table{{
    {"office", "Office", 52.9},
    {"financial office", "Financial Office", 52.9},
    {"bank branch", "Bank Branch", 88.3},
    {"college/university", "College/University", 84.3},
    {"university", "College/University", 84.3},
    {"k-12 school", "K-12 School", 48.5},
    {"school", "K-12 School", 48.5},
    {"pre-school/daycare", "Pre-school/Daycare", 64.8},
    {"vocational school", "Vocational School/Adult Education", 52.4},
    {"convention center", "Convention Center/Meeting Hall", 56.1},
    {"recreation", "Recreation/Athletic Centers", 50.8},
    {"entertainment", "Entertainment", 56.2},
    {"worship facility", "Worship Facility", 30.5},
}};

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::span<const eui_benchmark> eui_benchmarks() noexcept {
  return table;
}

std::optional<eui_benchmark> find_eui_benchmark(std::string_view primary_use) noexcept {
  for (const auto& b : table)
    if (iequals(b.primary_use, primary_use) || iequals(b.property_type, primary_use)) return b;
  return std::nullopt;
}

}  // namespace energy::recommend
