// SPDX-License-Identifier: Apache-2.0
#include "money/routes.hpp"

namespace energy::server::costs {

std::vector<route> routes() {
  std::vector<route> out;
  add_tariff_routes(out);
  add_bill_routes(out);
  add_utility_bill_routes(out);
  add_greenbutton_route(out);
  add_report_route(out);
  return out;
}

}  // namespace energy::server::costs
