// SPDX-License-Identifier: Apache-2.0
// Green Button import throughput (MB/s of XML) on a generated feed with the structure of the
// Inland sample (Atom entries, hourly IntervalReadings of Wh, 12 IntervalBlocks per usage point
// and year), replicated over many usage points to ~64 MB. Reference in the same run: pugixml's
// plain load_buffer plus a full DOM traversal of the same buffer, and a memchr pass over it, so the
// ratios show the importer's own overhead. ENERGY_BENCH_SMOKE=1 shrinks the feed to one usage point
// with a few days (CTest smoke run).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include <malloc.h>
#include <sys/resource.h>

#include <pugixml.hpp>

#include <energy/greenbutton/espi.hpp>

namespace {

const std::string base =
    "https://services.greenbuttondata.org/DataCustodian/espi/1_1/resource/RetailCustomer/8";

void entry_head(std::string& s, const std::string& self, const std::string& up) {
  s += "  <entry>\n    <id>urn:uuid:F504A9F7-883C-4B6B-9E85-F935407827E8</id>\n";
  s += "    <link rel=\"self\" href=\"" + self + "\"/>\n    <link rel=\"up\" href=\"" + up +
       "\"/>\n";
}

void entry_tail(std::string& s) {
  s += "    <published>2012-10-24T07:00:00Z</published>\n    "
       "<updated>2012-10-24T07:00:00Z</updated>\n  </entry>\n";
}

/// `usage_points` × (UsagePoint, MeterReading, ReadingType, and `days` of hourly readings in
/// monthly IntervalBlocks), plus one LocalTimeParameters: the Inland sample's layout.
std::string make_feed(int usage_points, int days) {
  std::string s;
  s.reserve(static_cast<std::size_t>(usage_points) * static_cast<std::size_t>(days) * 24 * 210 +
            4096);
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
       "xmlns:espi=\"http://naesb.org/espi\">\n  <id>urn:uuid:9E6FEA24</id>\n  <title>Green Button "
       "Subscription Feed</title>\n";
  entry_head(s, base + "/LocalTimeParameters/01", base + "/LocalTimeParameters");
  s += "    <content>\n      <LocalTimeParameters xmlns=\"http://naesb.org/espi\">\n        "
       "<dstEndRule>B40E2000</dstEndRule>\n"
       "        <dstOffset>3600</dstOffset>\n        <dstStartRule>360E2000</dstStartRule>\n       "
       " <tzOffset>-28800</tzOffset>\n"
       "      </LocalTimeParameters>\n    </content>\n";
  entry_tail(s);
  std::uint32_t rng = 12345;
  for (int u = 1; u <= usage_points; ++u) {
    const std::string up = base + "/UsagePoint/" + std::to_string(u);
    entry_head(s, up, base + "/UsagePoint");
    s += "    <link rel=\"related\" href=\"" + up + "/MeterReading\"/>\n";
    s += "    <link rel=\"related\" href=\"" + base + "/LocalTimeParameters/01\"/>\n";
    s += "    <title>Inland Multi-Family</title>\n    <content>\n      <UsagePoint "
         "xmlns=\"http://naesb.org/espi\">\n"
         "        <ServiceCategory>\n          <kind>0</kind>\n        </ServiceCategory>\n      "
         "</UsagePoint>\n    </content>\n";
    entry_tail(s);
    const std::string mr = up + "/MeterReading/01";
    const std::string rt = base + "/ReadingType/" + std::to_string(u);
    entry_head(s, mr, up + "/MeterReading");
    s += "    <link rel=\"related\" href=\"" + mr +
         "/IntervalBlock\"/>\n    <link rel=\"related\" href=\"" + rt + "\"/>\n";
    s += "    <title>Hourly Electricity Consumption</title>\n    <content>\n      <MeterReading "
         "xmlns=\"http://naesb.org/espi\"/>\n    </content>\n";
    entry_tail(s);
    entry_head(s, rt, base + "/ReadingType");
    s += "    <content>\n      <ReadingType xmlns=\"http://naesb.org/espi\">\n        "
         "<accumulationBehaviour>4</accumulationBehaviour>\n"
         "        <commodity>1</commodity>\n        <currency>840</currency>\n        "
         "<dataQualifier>12</dataQualifier>\n"
         "        <flowDirection>1</flowDirection>\n        "
         "<intervalLength>3600</intervalLength>\n        <kind>12</kind>\n"
         "        <phase>769</phase>\n        <powerOfTenMultiplier>0</powerOfTenMultiplier>\n     "
         "   <timeAttribute>0</timeAttribute>\n"
         "        <uom>72</uom>\n      </ReadingType>\n    </content>\n";
    entry_tail(s);
    std::int64_t t = 1293868800;
    for (int block = 0, day = 0; day < days; ++block) {
      const int block_days = std::min(31, days - day);
      entry_head(s, mr + "/IntervalBlock/" + std::to_string(block + 1), mr + "/IntervalBlock");
      s += "    <title/>\n    <content>\n      <IntervalBlock xmlns=\"http://naesb.org/espi\">\n   "
           "     <interval>\n";
      s += "          <duration>" + std::to_string(block_days * 86400) +
           "</duration>\n          <start>" + std::to_string(t) + "</start>\n        </interval>\n";
      for (int h = 0; h < block_days * 24; ++h, t += 3600) {
        rng = rng * 1103515245u + 12345u;
        s += "        <IntervalReading>\n          <timePeriod>\n            "
             "<duration>3600</duration>\n            <start>";
        s += std::to_string(t);
        s += "</start>\n          </timePeriod>\n          <value>";
        s += std::to_string(300 + (rng >> 16) % 900);
        s += "</value>\n        </IntervalReading>\n";
      }
      s += "      </IntervalBlock>\n    </content>\n";
      entry_tail(s);
      day += block_days;
    }
  }
  s += "</feed>\n";
  return s;
}

const std::string& feed() {
  static const std::string f =
      std::getenv("ENERGY_BENCH_SMOKE") != nullptr ? make_feed(1, 3) : make_feed(36, 365);
  return f;
}

void report(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(feed().size()));
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["feed_MB"] = static_cast<double>(feed().size()) / 1e6;
  state.counters["peak_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}

/// The importer: parse, link, columns, then exact milli-unit rows for every meter reading.
void BM_greenbutton_import(benchmark::State& state) {
  const std::string& xml = feed();
  std::size_t rows = 0;
  for (auto _ : state) {
    const auto doc = energy::greenbutton::parse_buffer(xml, "generated.xml");
    rows = 0;
    for (const auto& mr : doc.meter_readings)
      rows += energy::greenbutton::to_reading_rows(mr, energy::uuid{}).rows.size();
    benchmark::DoNotOptimize(rows);
  }
  state.counters["readings"] = static_cast<double>(rows);
  report(state);
}

std::size_t visit(pugi::xml_node n) {
  std::size_t k = std::strlen(n.name()) + std::strlen(n.value());
  for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute())
    k += std::strlen(a.value());
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    k += visit(c);
  return k;
}

/// Reference: pugixml alone, load_buffer + a traversal touching every node, attribute and text.
void BM_pugixml_load_and_traverse(benchmark::State& state) {
  const std::string& xml = feed();
  for (auto _ : state) {
    pugi::xml_document d;
    const auto r = d.load_buffer(xml.data(), xml.size());
    if (!r) state.SkipWithError("pugixml failed");
    benchmark::DoNotOptimize(visit(d));
  }
  report(state);
}

/// Reference: pugixml's plain load_buffer alone (the DOM build the importer starts from).
void BM_pugixml_load_only(benchmark::State& state) {
  const std::string& xml = feed();
  for (auto _ : state) {
    pugi::xml_document d;
    const auto r = d.load_buffer(xml.data(), xml.size());
    if (!r) state.SkipWithError("pugixml failed");
    benchmark::DoNotOptimize(d.first_child());
  }
  report(state);
}

/// Reference: one memchr pass counting '<' (memory bandwidth floor).
void BM_memchr_pass(benchmark::State& state) {
  const std::string& xml = feed();
  for (auto _ : state) {
    std::size_t n = 0;
    for (const char* p = xml.data();
         (p = static_cast<const char*>(std::memchr(
              p, '<', static_cast<std::size_t>(xml.data() + xml.size() - p)))) != nullptr;
         ++p)
      ++n;
    benchmark::DoNotOptimize(n);
  }
  report(state);
}

BENCHMARK(BM_memchr_pass)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_pugixml_load_only)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_pugixml_load_and_traverse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_greenbutton_import)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // Keep freed heap pages between iterations for every benchmark alike: otherwise glibc returns the
  // ~220 MB DOM to the OS after each iteration of the pugixml-only reference (nothing else sits
  // above it on the heap) and re-faults it in the next, charging the reference for page faults the
  // importer does not pay — a 1.5x distortion measured on this machine.
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
