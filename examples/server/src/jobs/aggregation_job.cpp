// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/refresh.hpp>
#include <energy/io/stored_tariffs.hpp>

#include "jobs/job_steps.hpp"

namespace energy::server::jobs {

job_result run_aggregation(step_context& ctx) {
  job_result r;
  aggregate::refresh_options options;
  // A database whose summaries are priced by stored tariff versions (`energy tariff set`) is
  // refreshed with the same model; refresh refuses any other (no silently mixed costs).
  const auto stored = io::settings_cost_model(ctx.store);
  if (stored) options.costs = &*stored;
  options.max_rounds = 1;  // one round per step: the lease is renewed between rounds
  aggregate::refresh_report total;
  for (;;) {
    const auto round = aggregate::refresh_summaries(ctx.store, options);
    total.rounds += round.rounds;
    total.marks_claimed += round.marks_claimed;
    total.marks_skipped += round.marks_skipped;
    total.readings_read += round.readings_read;
    total.hour_buckets += round.hour_buckets;
    total.day_buckets += round.day_buckets;
    total.month_buckets += round.month_buckets;
    // A round that did not fill up drained the backlog; readings arriving meanwhile are the next
    // run's (otherwise steady ingest could keep one run going forever).
    if (round.marks_claimed < options.max_marks_per_commit) break;
    if (ctx.checkpoint()) {
      r.interrupted = true;
      break;
    }
  }
  r.counts = {{"rounds", total.rounds},
              {"marks_claimed", total.marks_claimed},
              {"marks_skipped", total.marks_skipped},
              {"readings_read", total.readings_read},
              {"hour_buckets", total.hour_buckets},
              {"day_buckets", total.day_buckets},
              {"month_buckets", total.month_buckets}};
  return r;
}

}  // namespace energy::server::jobs
