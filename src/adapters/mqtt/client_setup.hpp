// SPDX-License-Identifier: Apache-2.0
// What the consumer and the publisher share about a libmosquitto client: library init, the
// handle's lifetime, credentials and TLS from broker_options, and error texts.
#pragma once

#include <memory>
#include <string>

#include <mosquitto.h>

#include <energy/transport/mqtt.hpp>

namespace energy::transport::mqtt::detail {

/// mosquitto_lib_init once per process (thread-safe).
void init_library();

struct mosquitto_deleter {
  void operator()(mosquitto* m) const noexcept { mosquitto_destroy(m); }
};
using client_handle = std::unique_ptr<mosquitto, mosquitto_deleter>;

/// Sets username/password and TLS on a fresh (or reinitialised) client.
/// @throws std::invalid_argument naming the option libmosquitto refused (e.g. a missing CA file).
void apply_broker_options(mosquitto* m, const broker_options& b);

/// "host:port".
[[nodiscard]] std::string broker_name(const broker_options& b);

/// libmosquitto's text for an error code, with errno's text for MOSQ_ERR_ERRNO.
[[nodiscard]] std::string error_text(int rc);

}  // namespace energy::transport::mqtt::detail
