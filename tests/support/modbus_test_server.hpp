// SPDX-License-Identifier: Apache-2.0
// A real Modbus TCP server for tests and benchmarks: libmodbus's server side (modbus_receive /
// modbus_reply over per-unit register mappings) on a free loopback port, in its own thread,
// serving any number of clients. Behaviours: answer, hang (read requests, never answer) and
// exception (answer every request with "server device busy").
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <modbus.h>

namespace energy::testing {

class modbus_test_server {
 public:
  enum class behaviour { answer, hang, exception };

  /// Listens on 127.0.0.1 at a free port. `registers`: size of each unit's holding and input
  /// tables (addresses 0..registers-1; reading beyond answers "illegal data address").
  explicit modbus_test_server(behaviour b = behaviour::answer, int registers = 512)
      : behaviour_(b), registers_(registers) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 1024) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error(std::string("bind/listen failed: ") + std::strerror(errno));
    }
    port_ = ntohs(addr.sin_port);
    ctx_ = modbus_new_tcp("127.0.0.1", port_);  // used only to parse and answer frames
    thread_ = std::thread([this] { run(); });
  }

  ~modbus_test_server() {
    stop_ = true;
    thread_.join();
    for (auto& c : clients_)
      ::close(c);
    ::close(listen_fd_);
    for (auto& [unit, m] : mappings_)
      modbus_mapping_free(m);
    modbus_free(ctx_);
  }
  modbus_test_server(const modbus_test_server&) = delete;
  modbus_test_server& operator=(const modbus_test_server&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  void set_behaviour(behaviour b) {
    std::lock_guard lock(mu_);
    behaviour_ = b;
  }
  /// Sets words of a unit's holding (`input` false) or input table, as the device would hold them.
  void set_words(int unit, bool input, std::uint16_t address, const std::vector<std::uint16_t>& w) {
    std::lock_guard lock(mu_);
    auto* m = mapping(unit);
    auto* table = input ? m->tab_input_registers : m->tab_registers;
    for (std::size_t i = 0; i < w.size(); ++i)
      table[address + i] = w[i];
  }
  /// One unit behaves differently from the server's behaviour (a dead meter behind a gateway).
  void set_unit_behaviour(int unit, behaviour b) {
    std::lock_guard lock(mu_);
    unit_behaviour_[unit] = b;
  }
  /// Requests received (answered or not).
  [[nodiscard]] std::size_t requests() const { return requests_; }
  /// Unit ids of the requests received, in arrival order.
  [[nodiscard]] std::vector<int> request_units() {
    std::lock_guard lock(mu_);
    return request_units_;
  }

  /// The words of a float as a device sends it in ABCD order (high word first). Written by hand:
  /// libmodbus 3.1.6's modbus_set_float_abcd swaps the bytes of each word.
  static std::vector<std::uint16_t> float_abcd(float f) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    return {static_cast<std::uint16_t>(bits >> 16), static_cast<std::uint16_t>(bits & 0xFFFF)};
  }

 private:
  modbus_mapping_t* mapping(int unit) {
    auto& m = mappings_[unit];
    if (m == nullptr) m = modbus_mapping_new(0, 0, registers_, registers_);
    return m;
  }

  void run() {
    std::vector<std::uint8_t> query(MODBUS_TCP_MAX_ADU_LENGTH);
    while (!stop_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (int c : clients_)
        fds.push_back({c, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        const int c = ::accept(listen_fd_, nullptr, nullptr);
        if (c >= 0) clients_.push_back(c);
      }
      std::vector<int> closed;
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        modbus_set_socket(ctx_, fds[i].fd);
        const int n = modbus_receive(ctx_, query.data());
        if (n <= 0) {
          if (n < 0) closed.push_back(fds[i].fd);
          continue;
        }
        ++requests_;
        std::lock_guard lock(mu_);
        const int unit = query[6];  // MBAP header byte 6: the unit id
        request_units_.push_back(unit);
        const auto special = unit_behaviour_.find(unit);
        const auto b = special == unit_behaviour_.end() ? behaviour_ : special->second;
        if (b == behaviour::hang) continue;
        if (b == behaviour::exception) {
          modbus_reply_exception(ctx_, query.data(), MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY);
          continue;
        }
        modbus_reply(ctx_, query.data(), n, mapping(unit));
      }
      for (int c : closed) {
        ::close(c);
        std::erase(clients_, c);
      }
    }
  }

  behaviour behaviour_;
  int registers_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  modbus_t* ctx_ = nullptr;
  std::vector<int> clients_;
  std::map<int, modbus_mapping_t*> mappings_;
  std::map<int, behaviour> unit_behaviour_;
  std::vector<int> request_units_;
  std::mutex mu_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> requests_{0};
  std::thread thread_;
};

}  // namespace energy::testing
