// SPDX-License-Identifier: Apache-2.0
// One Modbus TCP connection (a libmodbus context) to one endpoint. The only file besides its .cpp
// that sees libmodbus types; errors come back as values, never as exceptions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <energy/transport/modbus_map.hpp>

struct _modbus;  // NOLINT(bugprone-reserved-identifier): libmodbus names its modbus_t so

namespace energy::modbus::detail {

enum class failure : std::uint8_t {
  none,
  connect,    ///< could not open the TCP connection (refused, unreachable, connect timeout)
  timeout,    ///< connected, but no (complete) answer within the response timeout
  exception,  ///< the device answered with a Modbus exception (illegal address, busy, ...)
  io,         ///< anything else on the wire (reset, bad frame): the connection is dropped
};

struct read_result {
  failure kind = failure::none;
  std::string error;  ///< empty on success
};

class connection {
 public:
  connection(std::string host, std::uint16_t port, std::chrono::milliseconds timeout);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Reads `count` registers at `address` of unit `unit_id` into `dest`, connecting first when
  /// needed. After a timeout or an I/O error the connection is closed, so a late answer can
  /// never be taken for the next request's (libmodbus would report it as invalid data).
  read_result read(int unit_id, register_function function, std::uint16_t address, int count,
                   std::uint16_t* dest);
  void close() noexcept;

 private:
  read_result connect();
  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  _modbus* ctx_ = nullptr;
  bool connected_ = false;
};

}  // namespace energy::modbus::detail
