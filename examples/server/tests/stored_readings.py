# SPDX-License-Identifier: Apache-2.0
"""The readings an energy-server SQLite database holds, read straight from the file (standard
library only), for tests and benchmarks that check what was persisted rather than what the API
answers (test_modbus.py, bench/ingest_bench.py).

Since schema version 5 the library keeps readings as one energy_reading_chunks row per sensor and
UTC span, its readings in one blob (src/adapters/sqlite/reading_chunk.hpp): byte 1, then per
reading in ascending time varint((offset delta << 1) | has_flags), zigzag varint(value delta),
[varint(flags)]; the offset is seconds from span_start, the first delta counts from -1, the first
value delta from 0, and value deltas wrap in 64 bits. The decoder is written here from that
description, not taken from the library, so a check through it does not share the library's bugs;
it refuses any blob that is not such a chunk of its row's span and count.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid

_U64 = 1 << 64


def decode_chunk(data: bytes, span_start: int, span_end: int,
                 expected: int) -> list[tuple[int, int, int]]:
    """(timestamp, value in milli-units, quality flags) of every reading of one chunk, ascending;
    ValueError when the bytes are not a valid chunk of [span_start, span_end) holding `expected`
    readings."""
    if not data or data[0] != 1:
        raise ValueError("unknown chunk format")
    pos = 1

    def varint() -> int:
        nonlocal pos
        v = shift = 0
        while True:
            if pos == len(data) or shift > 63:
                raise ValueError("truncated or overlong varint")
            b = data[pos]
            pos += 1
            v |= (b & 0x7F) << shift
            if not b & 0x80:
                if v >> 64:
                    raise ValueError("varint over 64 bits")
                return v
            shift += 7

    out: list[tuple[int, int, int]] = []
    offset, value = -1, 0
    while pos < len(data):
        head, delta = varint(), varint()
        step = head >> 1
        if step == 0 or span_start + offset + step >= span_end:
            raise ValueError("reading not ascending or outside its span")
        flags = varint() if head & 1 else 0
        if head & 1 and not 0 < flags < 1 << 32:
            raise ValueError("quality flags not a nonzero 32-bit mask")
        offset += step
        value = (value + ((delta >> 1) ^ -(delta & 1))) % _U64
        out.append((span_start + offset, value - _U64 if value >> 63 else value, flags))
    if len(out) != expected:
        raise ValueError(f"{len(out)} readings, the row records {expected}")
    return out


def _chunks(con: sqlite3.Connection, sensor_id: str | None):
    sql = "SELECT sensor_id, span_start, span_end, readings, data FROM energy_reading_chunks"
    if sensor_id is None:
        return con.execute(sql + " ORDER BY sensor_id, span_start")
    return con.execute(sql + " WHERE sensor_id = ? ORDER BY span_start",
                       (uuid.UUID(sensor_id).bytes,))


def readings(db_path: str, sensor_id: str | None = None) -> list[tuple[int, int, int]]:
    """(timestamp, value, flags) of every stored reading of one sensor (its id as text), or of all
    sensors, in (sensor, time) order. A sensor's chunks never overlap, so span order is time
    order."""
    with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as con:
        out: list[tuple[int, int, int]] = []
        for _, span_start, span_end, expected, data in _chunks(con, sensor_id):
            out.extend(decode_chunk(data, span_start, span_end, expected))
        return out


def count(db_path: str) -> int:
    """The number of stored readings, every chunk decoded (not the rows' own counts alone)."""
    with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as con:
        return sum(len(decode_chunk(data, span_start, span_end, expected))
                   for _, span_start, span_end, expected, data in _chunks(con, None))
