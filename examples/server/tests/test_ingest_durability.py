# SPDX-License-Identifier: Apache-2.0
"""Ingest durability: kill -9 the server while a client streams batches; after a restart every
batch that got a 202 is stored (re-sending it inserts nothing: every reading is 'unchanged').
Concurrency: batches posted at once by several clients give the sequential result."""

from __future__ import annotations

import threading
import time
import urllib.error

import pytest

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


def setup_sensors(s: Server, count: int, created_at: str = "2019-01-01T00:00:00Z"):
    """A new tenant (its admin logged in), one building and `count` 15-minute kWh meters."""
    root = admin_token(s.base)
    t = create_tenant(s.base, root)
    status, _, b = s.call("POST", "/api/v1/buildings", t.token,
                          body={"name": "HQ", "time_zone": "Europe/Berlin"})
    assert status == 201
    sensors = []
    for _ in range(count):
        status, _, sensor = s.call("POST", f"/api/v1/buildings/{b['id']}/sensors", t.token,
                                   body={"type": "electricity", "kind": "interval_energy",
                                         "unit": "kWh", "interval_seconds": 900,
                                         "created_at": created_at})
        assert status == 201
        sensors.append(sensor["id"])
    return t, sensors


def test_every_acknowledged_batch_survives_kill_9(backend):
    s = Server(backend).start()
    try:
        t, sensors = setup_sensors(s, 4)
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


@pytest.mark.parametrize("writers", [1, 2])
def test_concurrent_batches_from_several_clients_give_the_sequential_result(backend, writers):
    """Six clients post at once: their own new rows, the same batch, then the same correction.
    Each request's report is its own, and together they are what one client sending the batches
    one after another would get: the shared batch is inserted once and unchanged five times, the
    correction replaces once and is unchanged five times, and re-sending everything afterwards
    changes nothing. With two group writers (PostgreSQL: two connections whose groups commit
    independently) the result is the same."""
    if writers > 1 and backend != "postgres":
        pytest.skip("several ingest writers are for PostgreSQL (SQLite has one writer at a time)")
    s = Server(backend, env={"ENERGY_INGEST_WRITERS": str(writers)}).start()
    clients = 6
    try:
        t, sensors = setup_sensors(s, 4)
        unknown = "01890000-0000-7000-8000-000000000000"
        shared = batch(sensors, 100)
        correction = {"readings": [dict(r, value_kwh=round(r["value_kwh"] + 1.5, 3))
                                   for r in shared["readings"]]}
        own = []
        for c in range(clients):
            body = batch(sensors, c)
            # One reading of a sensor nobody has, at a different index per client.
            body["readings"].insert(c * 7, {"sensor_id": unknown,
                                            "timestamp": "2024-07-01T00:00:00Z",
                                            "value_kwh": 1.0})
            own.append(body)
        phases = [("own", lambda c: own[c]), ("shared", lambda c: shared),
                  ("correction", lambda c: correction)]
        reports: dict[str, list] = {name: [None] * clients for name, _ in phases}
        barrier = threading.Barrier(clients, timeout=120)
        errors: list[BaseException] = []

        def client(c):
            try:
                for name, body_of in phases:
                    barrier.wait()  # every client sends this phase's batch at the same moment
                    status, _, body = s.call("POST", "/api/v1/sensors/readings/batch", t.token,
                                             body=body_of(c), timeout=120)
                    assert status == 202, body
                    reports[name][c] = body
            except BaseException as e:  # noqa: BLE001 (reported below, in the test's thread)
                errors.append(e)
                barrier.abort()

        threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(300)
        assert not errors, errors

        for c, report in enumerate(reports["own"]):
            assert (report["received"], report["accepted"], report["rejected"]) == (501, 500, 1)
            assert (report["inserted"], report["replaced"], report["unchanged"]) == (500, 0, 0)
            assert [(r["index"], r["reason"], r["sensor_id"]) for r in report["rejections"]] == \
                [(c * 7, "unknown_sensor", unknown)], report["rejections"]

        def outcomes(name):
            return sorted((r["inserted"], r["replaced"], r["unchanged"]) for r in reports[name])

        assert outcomes("shared") == [(0, 0, 500)] * (clients - 1) + [(500, 0, 0)]
        assert outcomes("correction") == [(0, 0, 500)] * (clients - 1) + [(0, 500, 0)]

        # The stored state is the sequential one: every batch re-sent now changes nothing.
        for body in [*own, correction]:
            status, _, report = s.call("POST", "/api/v1/sensors/readings/batch", t.token,
                                       body=body)
            assert status == 202
            assert (report["inserted"], report["replaced"], report["unchanged"]) == (0, 0, 500)
    finally:
        s.stop()
