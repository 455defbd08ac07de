// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/enum_names.hpp>
#include <energy/model.hpp>

/**
 * Modbus register maps: which registers of a meter model hold its energy register and its power,
 * and how to turn their 16-bit words into a number. Maps are small text files (format in
 * docs/transports.md, shipped maps in share/modbus/maps/); this header parses them and decodes
 * words. Nothing here talks to a device or needs libmodbus.
 */
namespace energy::modbus {

/// Which Modbus read function reaches the register.
enum class register_function : std::uint8_t {
  holding,  ///< FC 0x03, "4xxxx" registers
  input,    ///< FC 0x04, "3xxxx" registers
};

/// How the value is encoded. uint16/int16 take one register, 32-bit types two, 64-bit four.
enum class register_type : std::uint8_t { uint16, int16, uint32, int32, float32, uint64, int64 };

/**
 * Byte order of a multi-register value, named by where the bytes of the big-endian value
 * A B C D (A most significant) appear in the registers as read:
 * - `abcd`: high word first, each word big-endian (the Modbus default, "big endian");
 * - `cdab`: low word first ("word swapped", "LSW first");
 * - `badc`: high word first, bytes inside each word swapped;
 * - `dcba`: low word first and bytes swapped ("little endian").
 * For 64-bit types the same pattern extends over four words (`cdab` = lowest word first).
 */
enum class word_order : std::uint8_t { abcd, cdab, badc, dcba };

[[nodiscard]] std::string_view to_string(register_function f) noexcept;
[[nodiscard]] std::string_view to_string(register_type t) noexcept;
[[nodiscard]] std::string_view to_string(word_order o) noexcept;
/// Registers (16-bit words) a value of type `t` occupies: 1, 2 or 4.
[[nodiscard]] std::size_t register_count(register_type t) noexcept;

/// One register of a map: `value = decoded raw number × scale`, in `unit`.
struct register_spec {
  std::string name;  ///< unique in the map; meters bind sensors to it
  register_function function = register_function::holding;
  std::uint16_t address = 0;  ///< protocol address, zero-based (document register 30001 = input 0)
  register_type type = register_type::uint32;
  word_order order = word_order::abcd;
  double scale = 1.0;  ///< multiplier applied to the raw number (0.1 for "kWh × 10" registers)
  std::string unit;    ///< unit of the scaled value, as the sensor's `unit` (kWh, Wh, W, kW, ...)
  /// cumulative_register (energy counter), instantaneous_power or instantaneous_value.
  reading_kind kind = reading_kind::cumulative_register;
  int line = 0;  ///< line of the map file that declared it (for error messages)
};

/// A meter model's register map.
struct register_map {
  std::string name;    ///< the file's stem, or the `source_name` given to parse_register_map
  std::string model;   ///< `model` line: the meter model(s) it describes
  std::string source;  ///< `source` line: the public document the addresses come from
  std::vector<register_spec> registers;

  /// The register called `name`, or nullptr.
  [[nodiscard]] const register_spec* find(std::string_view name) const noexcept;
};

/**
 * Parses a map file's text. `source_name` names it in errors and becomes `name` (its stem).
 * @throws energy::parse_error "NAME:LINE: field 'F': why" for the first bad line: unknown
 * keyword or field, missing or repeated field, bad number, address range past 65535, unknown
 * type/order/function/kind, a unit with no meaning for the kind, a duplicate register name, a
 * missing or unsupported `energy-modbus-map 1` header, a map without registers.
 */
[[nodiscard]] register_map parse_register_map(std::string_view text, std::string_view source_name);

/// Reads and parses a map file. @throws energy::parse_error (also when it cannot be read).
[[nodiscard]] register_map load_register_map(const std::filesystem::path& file);

/// A decoded value, or why the words do not hold a usable one.
struct decoded_value {
  std::optional<double> value;  ///< raw × scale, in the register's unit
  std::string error;            ///< set when `value` is empty
};

/**
 * Decodes the words read for `spec` (`words.size()` must be register_count(spec.type)).
 * Refuses, rather than rounds, what would be a silently wrong number: a NaN or infinite float32,
 * and 64-bit integers beyond 2^53 (not exact in a double). Never throws.
 */
[[nodiscard]] decoded_value decode_register(std::span<const std::uint16_t> words,
                                            const register_spec& spec) noexcept;

}  // namespace energy::modbus

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::modbus::register_function>;
extern template struct energy::detail::enum_names<energy::modbus::register_type>;
extern template struct energy::detail::enum_names<energy::modbus::word_order>;

ENERGY_API_END
