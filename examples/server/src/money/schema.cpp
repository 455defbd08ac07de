// SPDX-License-Identifier: Apache-2.0
#include "money/schema.hpp"

namespace energy::server::costs {

void migrate(db::connection& c) {
  static const db::migration steps[] = {
      // effective_from is the building's local date as YYYY-MM-DD (sorts as text); `source` is
      // the uploaded JSON as sent, re-read with json_pointer whenever the tariff is used, so a
      // newer URDB reader prices an old upload with the same rules as a new one.
      {1,
       "CREATE TABLE money_tariffs (\n"
       "  id TEXT PRIMARY KEY,\n"
       "  tenant_id TEXT NOT NULL,\n"
       "  building_id TEXT NOT NULL,\n"
       "  effective_from TEXT NOT NULL,\n"
       "  currency TEXT NOT NULL,\n"
       "  source TEXT NOT NULL,\n"
       "  json_pointer TEXT NOT NULL,\n"
       "  uploaded_at BIGINT NOT NULL,\n"
       "  uploaded_by TEXT NOT NULL\n"
       ")",
       ""},
      {2, "CREATE INDEX money_tariffs_building ON money_tariffs (building_id, effective_from)", ""},
      // One row per (building, utility's bill id, period): uploading the same bill again updates
      // it in place (a corrected bill) instead of adding a duplicate.
      {3,
       "CREATE TABLE money_utility_bills (\n"
       "  id TEXT PRIMARY KEY,\n"
       "  tenant_id TEXT NOT NULL,\n"
       "  building_id TEXT NOT NULL,\n"
       "  bill_ref TEXT NOT NULL,\n"
       "  period_start BIGINT NOT NULL,\n"
       "  period_end BIGINT NOT NULL,\n"
       "  consumption_wh BIGINT NOT NULL,\n"
       "  consumption_stated INTEGER NOT NULL,\n"
       "  peak_demand_w BIGINT,\n"
       "  demand_interval_seconds BIGINT,\n"
       "  amount_micros BIGINT NOT NULL,\n"
       "  amount_stated INTEGER NOT NULL,\n"
       "  estimated INTEGER NOT NULL,\n"
       "  source TEXT NOT NULL,\n"
       "  origin TEXT NOT NULL,\n"
       "  uploaded_at BIGINT NOT NULL,\n"
       "  UNIQUE (building_id, bill_ref, period_start, period_end)\n"
       ")",
       ""},
      // Coincident-peak charges given with an upload (JSON array; '[]' for none), applied on top
      // of the URDB record each time the version is read.
      {4, "ALTER TABLE money_tariffs ADD COLUMN coincident_peaks TEXT NOT NULL DEFAULT '[]'", ""},
      // The utility's TOU holidays given with an upload (JSON array of YYYY-MM-DD; '[]' when it
      // has none). NULL, what every earlier row gets, is "not known": the bills say so.
      {5, "ALTER TABLE money_tariffs ADD COLUMN holidays TEXT", ""},
  };
  db::migrate(c, "money", steps);
}

}  // namespace energy::server::costs
