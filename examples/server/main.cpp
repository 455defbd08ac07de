// SPDX-License-Identifier: Apache-2.0
// energy-server: see docs/server.md. The wiring lives in src/app/.
#include "app/run.hpp"

int main(int argc, char** argv) {
  return energy::server::run_server(argc, argv);
}
