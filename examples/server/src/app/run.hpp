// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace energy::server {

/// Parses --help/--version, reads the ENERGY_* environment, opens the database, starts the HTTP
/// listener, the scheduler and the signal handling, and returns the process exit code.
int run_server(int argc, char** argv);

}  // namespace energy::server
