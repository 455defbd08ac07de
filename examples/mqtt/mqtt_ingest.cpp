// SPDX-License-Identifier: Apache-2.0
// Demonstrates: running the MQTT consumer as its own process next to a BMS gateway — readings
// published to energy/{tenant}/{building}/{sensor} land in a store (SQLite file or PostgreSQL),
// acknowledged to the broker only once committed. Stops cleanly on SIGTERM/SIGINT and prints
// its counters. The kill -9 test in tests/integration/mqtt runs this program.
//
//   mqtt_ingest --store sqlite:site.db --port 1883 --client-id energy-ingest-1
//               [--host H] [--topic PATTERN] [--error-topic PATTERN]
//               [--username U] [--password-env VAR] [--ca-file F]
#include <energy/storage/open.hpp>
#include <energy/transport/mqtt.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

namespace {

energy::transport::mqtt::consumer* running = nullptr;

extern "C" void on_signal(int) {
  if (running != nullptr) running->stop();  // an atomic store: async-signal-safe
}

int usage(const char* why) {
  std::fprintf(stderr,
               "mqtt_ingest: %s\nusage: mqtt_ingest --store URI --client-id ID [--host H] "
               "[--port P] [--topic PATTERN] [--error-topic PATTERN] [--username U] "
               "[--password-env VAR] [--ca-file F]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  namespace mqtt = energy::transport::mqtt;
  std::string store_uri;
  mqtt::consumer_options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage("every option takes a value");
    const std::string value = argv[++i];
    if (arg == "--store") {
      store_uri = value;
    } else if (arg == "--host") {
      o.broker.host = value;
    } else if (arg == "--port") {
      o.broker.port = std::atoi(value.c_str());
    } else if (arg == "--client-id") {
      o.broker.client_id = value;
    } else if (arg == "--topic") {
      o.topic_pattern = value;
    } else if (arg == "--error-topic") {
      o.error_topic = value;
    } else if (arg == "--username") {
      o.broker.username = value;
    } else if (arg == "--password-env") {  // never on the command line (visible in ps)
      const char* secret = std::getenv(value.c_str());
      o.broker.password = secret != nullptr ? secret : "";
    } else if (arg == "--ca-file") {
      o.broker.tls = mqtt::broker_options::tls_options{.ca_file = value};
    } else {
      return usage(("unknown option " + std::string(arg)).c_str());
    }
  }
  if (store_uri.empty()) return usage("--store is required");
  try {
    auto store = energy::storage::open_store_uri(store_uri);
    mqtt::consumer consumer(*store, o);
    running = &consumer;
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    consumer.run();
    running = nullptr;
    const auto s = consumer.stats();
    std::printf(
        "messages %llu, readings %llu: inserted %llu, unchanged %llu, replaced %llu, rejected "
        "%llu; %llu commits, %llu connects%s%s\n",
        static_cast<unsigned long long>(s.messages),
        static_cast<unsigned long long>(s.readings_received),
        static_cast<unsigned long long>(s.inserted), static_cast<unsigned long long>(s.unchanged),
        static_cast<unsigned long long>(s.replaced), static_cast<unsigned long long>(s.rejected),
        static_cast<unsigned long long>(s.commits), static_cast<unsigned long long>(s.connects),
        s.last_error.empty() ? "" : "; last problem: ", s.last_error.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mqtt_ingest: %s\n", e.what());
    return 1;
  }
}
