// SPDX-License-Identifier: Apache-2.0
// A simulated energy meter for end-to-end tests of energy-server's Modbus polling: a libmodbus
// server on a free loopback port (printed first: "port N"), unit 1, holding registers 0-1 a uint32
// Wh counter (high word first) that grows 10 Wh per second from 1000. Runs until killed.
#include <chrono>
#include <cstdio>
#include <thread>

#include "support/modbus_test_server.hpp"

int main() {
  energy::testing::modbus_test_server server;
  std::printf("port %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    const auto wh = static_cast<std::uint32_t>(1000 + ms / 100);
    server.set_words(
        1, false, 0,
        {static_cast<std::uint16_t>(wh >> 16), static_cast<std::uint16_t>(wh & 0xFFFF)});
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}
