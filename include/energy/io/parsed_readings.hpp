// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <vector>

#include <energy/ingest/reason.hpp>
#include <energy/readings.hpp>

namespace energy::io {

/**
 * What a reading parser produced: the rows it could read (values still unvalidated, in the
 * sensor's unit) and the rows it could not (malformed id, timestamp, value, missing field),
 * each with the source position (`rejection::source_row`: CSV file line, JSON array index) and a
 * detail naming the field. `batch.source_row` carries the same positions for the good rows, so
 * validation rejections name them too.
 *
 * Feed both to the pipeline: `ingest::ingest_batch(store, parsed.batch, options,
 * parsed.rejections)`.
 */
struct parsed_readings {
  reading_batch batch;
  std::vector<ingest::rejection> rejections;
};

}  // namespace energy::io

ENERGY_API_END
