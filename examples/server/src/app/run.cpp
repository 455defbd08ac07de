// SPDX-License-Identifier: Apache-2.0
// Placeholder wiring until the HTTP layer lands (the server-core work replaces this file).
#include "app/run.hpp"

#include <cstdio>

namespace energy::server {

int run_server(int, char**) {
  std::fprintf(stderr, "energy-server: the HTTP layer is not built yet\n");
  return 2;
}

}  // namespace energy::server
