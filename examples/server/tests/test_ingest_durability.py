# SPDX-License-Identifier: Apache-2.0
"""Ingest durability: kill -9 the server while a client streams batches; after a restart every
batch that got a 202 is stored (re-sending it inserts nothing: every reading is 'unchanged')."""

from __future__ import annotations

import threading
import time
import urllib.error

from auth_helpers import admin_token, create_tenant, login
from conftest import Server


def batch(sensor_ids, index, size=500):
    base = 1719792000 + index * size * 900  # 2024-07-01, 15-minute steps, disjoint per batch
    readings = []
    for i in range(size):
        ts = base + i * 900
        readings.append({"sensor_id": sensor_ids[i % len(sensor_ids)],
                         "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)),
                         "value_kwh": round(0.001 * (index * size + i + 1), 3)})
    return {"readings": readings}


def test_every_acknowledged_batch_survives_kill_9(backend):
    s = Server(backend).start()
    try:
        root = admin_token(s.base)
        t = create_tenant(s.base, root)
        status, _, b = s.call("POST", "/api/v1/buildings", t.token,
                              body={"name": "HQ", "time_zone": "Europe/Berlin"})
        assert status == 201
        sensors = []
        for _ in range(4):
            status, _, sensor = s.call("POST", f"/api/v1/buildings/{b['id']}/sensors", t.token,
                                       body={"type": "electricity", "kind": "interval_energy",
                                             "unit": "kWh", "interval_seconds": 900,
                                             "created_at": "2024-01-01T00:00:00Z"})
            assert status == 201
            sensors.append(sensor["id"])
        acknowledged: list[int] = []
        stop = threading.Event()

        def stream():
            i = 0
            while not stop.is_set():
                try:
                    status, _, body = s.call("POST", "/api/v1/sensors/readings/batch", t.token,
                                             body=batch(sensors, i), timeout=10)
                except (urllib.error.URLError, ConnectionError, OSError):
                    return  # the server died under us: this batch was not acknowledged
                if status == 202:
                    assert body["accepted"] == 500
                    acknowledged.append(i)
                i += 1

        client = threading.Thread(target=stream)
        client.start()
        deadline = time.time() + 20
        while len(acknowledged) < 5 and time.time() < deadline:
            time.sleep(0.02)
        s.kill9()
        stop.set()
        client.join(30)
        assert len(acknowledged) >= 5, "the client got some 202s before the kill"

        s.start()  # same database, new process
        token = login(s.base, t.email, t.password)["access_token"]
        for i in acknowledged:
            status, _, body = s.call("POST", "/api/v1/sensors/readings/batch", token,
                                     body=batch(sensors, i))
            assert status == 202
            assert (body["inserted"], body["replaced"], body["unchanged"]) == (0, 0, 500), i
    finally:
        s.stop()
