// SPDX-License-Identifier: Apache-2.0
// Small Green Button documents built in code, one variation each (real utilities differ in entry
// order, namespace prefixes, optional elements, units and multipliers).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gb_fixture {

inline std::string link(const std::string& rel, const std::string& href) {
  return "<link rel=\"" + rel + "\" href=\"" + href + "\"/>";
}

/// An Atom entry; `links` already formatted, `resource` is the ESPI element (with its xmlns).
inline std::string entry(const std::string& links, const std::string& resource,
                         const std::string& title = "") {
  return "<entry><id>urn:uuid:x</id>" + links + "<title>" + title + "</title><content>" + resource +
         "</content><published>2012-10-24T00:00:00Z</published></entry>\n";
}

inline std::string feed(const std::vector<std::string>& entries) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  for (const auto& e : entries)
    s += e;
  return s + "</feed>\n";
}

inline const std::string base =
    "https://utility.example/DataCustodian/espi/1_1/resource/RetailCustomer/1";

inline std::string up_entry(const std::string& up, int kind = 0) {
  return entry(link("self", base + "/UsagePoint/" + up) + link("up", base + "/UsagePoint") +
                   link("related", base + "/UsagePoint/" + up + "/MeterReading") +
                   link("related", base + "/UsagePoint/" + up + "/ElectricPowerUsageSummary") +
                   link("related", "/espi/1_1/resource/LocalTimeParameters/01"),
               "<UsagePoint xmlns=\"http://naesb.org/espi\"><ServiceCategory><kind>" +
                   std::to_string(kind) + "</kind></ServiceCategory></UsagePoint>",
               "Point " + up);
}

inline std::string ltp_entry(int tz = -18000) {
  return entry(
      link("self", "/espi/1_1/resource/LocalTimeParameters/01"),
      "<LocalTimeParameters xmlns=\"http://naesb.org/espi\"><dstEndRule>B40E2000</dstEndRule>"
      "<dstOffset>3600</dstOffset><dstStartRule>360E2000</dstStartRule><tzOffset>" +
          std::to_string(tz) + "</tzOffset></LocalTimeParameters>");
}

inline std::string mr_entry(const std::string& up, const std::string& mr, const std::string& rt) {
  return entry(
      link("self", base + "/UsagePoint/" + up + "/MeterReading/" + mr) +
          link("up", base + "/UsagePoint/" + up + "/MeterReading") +
          link("related", base + "/UsagePoint/" + up + "/MeterReading/" + mr + "/IntervalBlock") +
          link("related", "/espi/1_1/resource/ReadingType/" + rt),
      "<MeterReading xmlns=\"http://naesb.org/espi\"/>", "MR " + mr);
}

inline std::string rt_entry(const std::string& rt, int uom, int mult, int interval = 3600,
                            int flow = 1) {
  return entry(link("self", "/espi/1_1/resource/ReadingType/" + rt),
               "<ReadingType "
               "xmlns=\"http://naesb.org/espi\"><accumulationBehaviour>4</accumulationBehaviour>"
               "<commodity>1</commodity><currency>840</currency><flowDirection>" +
                   std::to_string(flow) + "</flowDirection><intervalLength>" +
                   std::to_string(interval) +
                   "</intervalLength><kind>12</kind><powerOfTenMultiplier>" + std::to_string(mult) +
                   "</powerOfTenMultiplier><uom>" + std::to_string(uom) + "</uom></ReadingType>");
}

/// One IntervalReading; empty `extra` for none (cost, ReadingQuality).
inline std::string reading(std::int64_t start, const std::string& value, int duration = 3600,
                           const std::string& extra = "") {
  return "<IntervalReading>" + extra + "<timePeriod><duration>" + std::to_string(duration) +
         "</duration><start>" + std::to_string(start) + "</start></timePeriod><value>" + value +
         "</value></IntervalReading>\n";
}

inline std::string block(const std::string& up, const std::string& mr, const std::string& id,
                         const std::string& readings) {
  return entry(
      link("self", base + "/UsagePoint/" + up + "/MeterReading/" + mr + "/IntervalBlock/" + id) +
          link("up", base + "/UsagePoint/" + up + "/MeterReading/" + mr + "/IntervalBlock"),
      "<IntervalBlock "
      "xmlns=\"http://naesb.org/espi\"><interval><duration>86400</duration><start>0</start></"
      "interval>\n" +
          readings + "</IntervalBlock>");
}

inline std::string summary_entry(const std::string& up, const std::string& body) {
  return entry(link("self", base + "/UsagePoint/" + up + "/ElectricPowerUsageSummary/1") +
                   link("up", base + "/UsagePoint/" + up + "/ElectricPowerUsageSummary"),
               "<ElectricPowerUsageSummary xmlns=\"http://naesb.org/espi\">" + body +
                   "</ElectricPowerUsageSummary>");
}

}  // namespace gb_fixture
