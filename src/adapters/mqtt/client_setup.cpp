// SPDX-License-Identifier: Apache-2.0
#include "client_setup.hpp"

#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace energy::transport::mqtt::detail {

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

void apply_broker_options(mosquitto* m, const broker_options& b) {
  const auto check = [&](int rc, const char* what) {
    if (rc != MOSQ_ERR_SUCCESS)
      throw std::invalid_argument("MQTT broker " + broker_name(b) + ": " + what + ": " +
                                  error_text(rc));
  };
  if (!b.username.empty())
    check(mosquitto_username_pw_set(m, b.username.c_str(),
                                    b.password.empty() ? nullptr : b.password.c_str()),
          "username/password");
  if (b.tls) {
    const auto& t = *b.tls;
    if (t.ca_file.empty() && t.ca_dir.empty())
      throw std::invalid_argument("MQTT broker " + broker_name(b) +
                                  ": TLS needs a CA file or CA directory to verify the broker");
    const auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    check(mosquitto_tls_set(m, opt(t.ca_file), opt(t.ca_dir), opt(t.cert_file), opt(t.key_file),
                            nullptr),
          "TLS files");
    check(mosquitto_tls_insecure_set(m, false), "TLS host name verification");
  }
}

std::string broker_name(const broker_options& b) {
  return b.host + ":" + std::to_string(b.port);
}

std::string error_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

}  // namespace energy::transport::mqtt::detail
