// SPDX-License-Identifier: Apache-2.0
// Helpers for tests against a real mosquitto: the fixture's broker address, private brokers a
// test may restart, a raw libmosquitto subscriber that records what arrives, polling with a
// deadline, and the consumer as a child process (examples/mqtt/mqtt_ingest.cpp).
#pragma once

#include <mosquitto.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <energy/uuid.hpp>

namespace energy::test {

/// Port of the fixture's broker ($ENERGY_TEST_SERVERS/mqtt/mosquitto.port).
inline int fixture_broker_port() {
  const char* dir = std::getenv("ENERGY_TEST_SERVERS");
  if (dir == nullptr)
    throw std::runtime_error("no MQTT broker: run through ctest (fixture mqtt_broker)");
  std::ifstream in(std::string(dir) + "/mqtt/mosquitto.port");
  int port = 0;
  if (!(in >> port)) throw std::runtime_error("no MQTT broker port file under " + std::string(dir));
  return port;
}

/// A topic root of this test process's own ("energy-test-<uuid>"): tests share the fixture's
/// broker and may run in parallel, so each reads and writes only below its own root.
inline const std::string& topic_root() {
  static const std::string root = "energy-test-" + uuid::v7().to_string();
  return root;
}

/// Consumer topic settings below topic_root(): input `<root>/{tenant}/{building}/{sensor}`,
/// errors `<root>-errors/{tenant}/{building}`.
template <class Options>
Options& below_test_root(Options& o) {
  o.topic_pattern = topic_root() + "/{tenant}/{building}/{sensor}";
  o.error_topic = topic_root() + "-errors/{tenant}/{building}";
  return o;
}

/// True once `done()` holds, polling every 10 ms; false after `timeout` (generous: loaded CI).
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

inline int run_script(const std::string& args) {
  return std::system(("bash " ENERGY_MQTT_SCRIPT " " + args + " >/dev/null").c_str());
}

/// A broker of the test's own (for restarts, or TLS with a password: `secure`), stopped when the
/// object goes.
class private_broker {
 public:
  explicit private_broker(bool secure = false)
      : dir_(std::filesystem::temp_directory_path() / ("energy-mqtt-" + uuid::v7().to_string())) {
    if (run_script((secure ? "start-secure " : "start ") + dir_.string()) != 0)
      throw std::runtime_error("broker start failed");
    std::ifstream in(dir_ / "mosquitto.port");
    in >> port_;
    if (secure) std::ifstream(dir_ / "password") >> password_;
  }
  [[nodiscard]] std::string ca_file() const { return (dir_ / "ca.pem").string(); }
  [[nodiscard]] const std::string& password() const { return password_; }
  ~private_broker() {
    run_script("stop " + dir_.string());
    std::filesystem::remove_all(dir_);
  }
  private_broker(const private_broker&) = delete;
  private_broker& operator=(const private_broker&) = delete;
  void restart() {
    if (run_script("restart " + dir_.string()) != 0)
      throw std::runtime_error("broker restart failed");
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  std::string password_;
};

/// Subscribes (QoS 1, clean session) and records every message; loop_start thread.
class recorder {
 public:
  recorder(int port, const std::string& filter) {
    mosquitto_lib_init();
    m_ = mosquitto_new(nullptr, true, this);
    mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      auto& me = *static_cast<recorder*>(self);
      std::lock_guard lock(me.mutex_);
      me.messages_.emplace_back(msg->topic, std::string(static_cast<const char*>(msg->payload),
                                                        static_cast<std::size_t>(msg->payloadlen)));
    });
    mosquitto_subscribe_callback_set(m_, [](mosquitto*, void* self, int, int, const int*) {
      auto& me = *static_cast<recorder*>(self);
      std::lock_guard lock(me.mutex_);
      me.subscribed_ = true;
    });
    filter_ = filter;
    mosquitto_connect_callback_set(m_, [](mosquitto* m, void* self, int rc) {
      if (rc == 0)
        mosquitto_subscribe(m, nullptr, static_cast<recorder*>(self)->filter_.c_str(), 1);
    });
    if (mosquitto_connect(m_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS ||
        mosquitto_loop_start(m_) != MOSQ_ERR_SUCCESS)
      throw std::runtime_error("recorder cannot connect");
    if (!eventually([&] {
          std::lock_guard lock(mutex_);
          return subscribed_;
        }))
      throw std::runtime_error("recorder: no SUBACK");
  }
  ~recorder() {
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  mosquitto* m_ = nullptr;
  std::string filter_;
  mutable std::mutex mutex_;
  bool subscribed_ = false;
  std::vector<std::pair<std::string, std::string>> messages_;
};

/// Creates the persistent session `client_id` subscribed to `filter` (QoS 1), as the consumer's
/// first start would, so messages published before the consumer runs are kept for it.
inline void create_session(int port, const std::string& client_id, const std::string& filter) {
  mosquitto_lib_init();
  mosquitto* m = mosquitto_new(client_id.c_str(), false, nullptr);
  bool ok = mosquitto_connect(m, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS;
  int mid = 0;
  ok = ok && mosquitto_subscribe(m, &mid, filter.c_str(), 1) == MOSQ_ERR_SUCCESS;
  bool acked = false;
  mosquitto_user_data_set(m, &acked);
  mosquitto_subscribe_callback_set(
      m, [](mosquitto*, void* flag, int, int, const int*) { *static_cast<bool*>(flag) = true; });
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ok && !acked && std::chrono::steady_clock::now() < until)
    ok = mosquitto_loop(m, 100, 1) == MOSQ_ERR_SUCCESS;
  mosquitto_disconnect(m);
  mosquitto_destroy(m);
  if (!acked) throw std::runtime_error("create_session: no SUBACK");
}

/// examples/mqtt/mqtt_ingest as a child process.
class ingest_process {
 public:
  explicit ingest_process(std::vector<std::string> args) {
    args.insert(args.begin(), ENERGY_MQTT_INGEST_EXE);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    if (pid_ < 0) throw std::runtime_error("fork failed");
  }
  ~ingest_process() {
    if (pid_ > 0) kill_hard();
  }
  ingest_process(const ingest_process&) = delete;
  ingest_process& operator=(const ingest_process&) = delete;
  void kill_hard() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  /// SIGTERM and wait; returns the exit status.
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace energy::test
