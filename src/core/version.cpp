// SPDX-License-Identifier: Apache-2.0
#include <energy/version.hpp>

namespace energy {

const char* library_version() noexcept {
  return ENERGY_VERSION_STRING;
}

}  // namespace energy
