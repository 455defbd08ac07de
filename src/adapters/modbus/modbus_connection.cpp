// SPDX-License-Identifier: Apache-2.0
#include "modbus_connection.hpp"

#include <cerrno>

#include <modbus.h>

namespace energy::modbus::detail {

namespace {

bool is_modbus_exception(int e) {
  return e > MODBUS_ENOBASE && e <= MODBUS_ENOBASE + MODBUS_EXCEPTION_GATEWAY_TARGET;
}

}  // namespace

connection::connection(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

connection::~connection() {
  close();
  if (ctx_ != nullptr) modbus_free(ctx_);
}

void connection::close() noexcept {
  if (ctx_ != nullptr && connected_) modbus_close(ctx_);
  connected_ = false;
}

read_result connection::connect() {
  const std::string where = host_ + ":" + std::to_string(port_);
  if (ctx_ == nullptr) {
    // The _pi variant resolves host names and IPv6 (modbus_new_tcp takes dotted IPv4 only).
    ctx_ = modbus_new_tcp_pi(host_.c_str(), std::to_string(port_).c_str());
    if (ctx_ == nullptr)
      return {failure::connect,
              "cannot create a Modbus context for " + where + ": " + modbus_strerror(errno)};
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count();
    // 3.1.x signature (seconds, microseconds); libmodbus also uses it as the connect timeout.
    modbus_set_response_timeout(ctx_, static_cast<std::uint32_t>(us / 1'000'000),
                                static_cast<std::uint32_t>(us % 1'000'000));
    modbus_set_byte_timeout(ctx_, static_cast<std::uint32_t>(us / 1'000'000),
                            static_cast<std::uint32_t>(us % 1'000'000));
  }
  if (modbus_connect(ctx_) == -1) {
    const int e = errno;
    modbus_close(ctx_);
    return {failure::connect, "cannot connect to " + where + ": " + modbus_strerror(e)};
  }
  connected_ = true;
  return {};
}

read_result connection::read(int unit_id, register_function function, std::uint16_t address,
                             int count, std::uint16_t* dest) {
  if (!connected_) {
    auto r = connect();
    if (r.kind != failure::none) return r;
  }
  if (modbus_set_slave(ctx_, unit_id) == -1)
    return {failure::exception, "unit id " + std::to_string(unit_id) +
                                    " rejected by libmodbus: " + modbus_strerror(errno)};
  const int n = function == register_function::input
                    ? modbus_read_input_registers(ctx_, address, count, dest)
                    : modbus_read_registers(ctx_, address, count, dest);
  if (n == count) return {};
  const int e = n == -1 ? errno : EMBBADDATA;
  std::string why = modbus_strerror(e);
  if (is_modbus_exception(e))
    return {failure::exception,
            "Modbus exception " + std::to_string(e - MODBUS_ENOBASE) + " (" + why + ")"};
  close();
  if (e == ETIMEDOUT)
    return {failure::timeout, "no answer within " + std::to_string(timeout_.count()) + " ms"};
  return {failure::io, why};
}

}  // namespace energy::modbus::detail
