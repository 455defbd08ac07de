# SPDX-License-Identifier: Apache-2.0
"""SQLite group commit of ingest batches (energy::storage::group_writer behind
POST /sensors/readings/batch): concurrent batches share one transaction, each request still gets
its own exact report, a full queue answers 503 with Retry-After (nothing of that batch stored),
and every 202 survives kill -9 while many clients stream."""

from __future__ import annotations

import sqlite3
import threading
import time
import urllib.error

from auth_helpers import login
from conftest import Server
from test_ingest_durability import batch, setup_sensors

UNKNOWN = "01890000-0000-7000-8000-000000000000"


def metric(s: Server, name: str) -> float:
    status, _, text = s.call("GET", "/metrics")
    assert status == 200
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def test_a_full_ingest_queue_answers_503_and_queued_batches_commit_together_with_own_reports():
    """The store's write lock is held from outside, so the writer cannot commit: with room for 8
    batches, exactly 8 of 20 concurrent requests wait and 12 get 503 + Retry-After at once. Once
    the lock is released the 8 commit in at most two transactions (the one the writer had started,
    and the rest together), each answered with its own counts and rejections."""
    capacity, clients = 8, 20
    s = Server("sqlite", env={"ENERGY_INGEST_QUEUE": str(capacity)}).start()
    try:
        t, sensors = setup_sensors(s, 4)
        bodies = []
        for c in range(clients):
            body = batch(sensors, c)
            body["readings"].insert(c, {"sensor_id": UNKNOWN, "timestamp": "2024-07-01T00:00:00Z",
                                        "value_kwh": 1.0})
            bodies.append(body)
        groups_before = metric(s, "energy_ingest_group_commits_total")

        lock = sqlite3.connect(s.db_uri.removeprefix("sqlite:"), timeout=30,
                               isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # the server's writer now waits in its busy handler
        answers: list = [None] * clients
        barrier = threading.Barrier(clients, timeout=60)

        def client(c):
            try:
                barrier.wait()
                answers[c] = s.call("POST", "/api/v1/sensors/readings/batch", t.token,
                                    body=bodies[c], timeout=120)
            except BaseException as e:  # noqa: BLE001 (checked below)
                answers[c] = e

        threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for th in threads:
            th.start()
        deadline = time.time() + 60
        while time.time() < deadline:
            done = [a for a in answers if a is not None]
            if len(done) >= clients - capacity:
                break
            time.sleep(0.02)
        refused = [c for c, a in enumerate(answers) if a is not None]
        # Only refusals can come back while the lock is held.
        assert len(refused) == clients - capacity, answers
        for c in refused:
            status, headers, problem = answers[c]
            assert status == 503, answers[c]
            assert problem["type"] == "/problems/unavailable"
            assert int(headers["retry-after"]) >= 1
        lock.execute("ROLLBACK")
        lock.close()
        for th in threads:
            th.join(120)

        accepted = [c for c in range(clients) if c not in refused]
        for c in accepted:
            status, _, report = answers[c]
            assert status == 202, report
            assert (report["received"], report["accepted"], report["rejected"]) == (501, 500, 1)
            assert (report["inserted"], report["replaced"], report["unchanged"]) == (500, 0, 0)
            assert [(r["index"], r["reason"], r["sensor_id"]) for r in report["rejections"]] == \
                [(c, "unknown_sensor", UNKNOWN)]
        # Two transactions when the writer had begun one before the others queued (the usual
        # case); one when a loaded machine scheduled it only after all 8 were queued.
        assert metric(s, "energy_ingest_group_commits_total") - groups_before in (1, 2)
        assert metric(s, "energy_ingest_refused_total{reason=\"queue_full\"}") == \
            clients - capacity

        # The sequential result: acknowledged batches are stored, refused ones were not.
        for c in range(clients):
            status, _, report = s.call("POST", "/api/v1/sensors/readings/batch", t.token,
                                       body=bodies[c])
            assert status == 202
            expected = (0, 0, 500) if c in accepted else (500, 0, 0)
            assert (report["inserted"], report["replaced"], report["unchanged"]) == expected, c
    finally:
        s.stop()


def stream_batch(sensor: str, index: int, size: int = 100):
    """Batch `index` of one sensor's stream: `size` new consecutive quarter hours from 2020."""
    base = 1577836800 + index * size * 900
    return {"readings": [{"sensor_id": sensor,
                          "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                     time.gmtime(base + i * 900)),
                          "value_kwh": round(0.001 * (index * size + i + 1), 3)}
                         for i in range(size)]}


def assert_stored(s: Server, t, sensors, acknowledged) -> None:
    """Every acknowledged (client, index) batch is stored: re-sending it changes nothing."""
    token = login(s.base, t.email, t.password)["access_token"]
    for c, i in acknowledged:
        status, _, body = s.call("POST", "/api/v1/sensors/readings/batch", token,
                                 body=stream_batch(sensors[c], i))
        assert status == 202
        assert (body["inserted"], body["replaced"], body["unchanged"]) == (0, 0, 100), (c, i)


def test_every_202_survives_kill_9_while_many_clients_stream_into_the_group_commit():
    clients = 8
    s = Server("sqlite").start()
    try:
        t, sensors = setup_sensors(s, clients)
        acknowledged: list[tuple[int, int]] = []
        ack_lock = threading.Lock()
        stop = threading.Event()

        def stream(c):
            i = 0
            while not stop.is_set():
                try:
                    status, _, body = s.call("POST", "/api/v1/sensors/readings/batch", t.token,
                                             body=stream_batch(sensors[c], i), timeout=30)
                except (urllib.error.URLError, ConnectionError, OSError):
                    return  # the server died under us: this batch was not acknowledged
                if status == 202:
                    assert body["inserted"] == 100
                    with ack_lock:
                        acknowledged.append((c, i))
                    i += 1

        threads = [threading.Thread(target=stream, args=(c,)) for c in range(clients)]
        for th in threads:
            th.start()
        deadline = time.time() + 60
        while len(acknowledged) < 40 and time.time() < deadline:
            time.sleep(0.02)
        s.kill9()
        stop.set()
        for th in threads:
            th.join(60)
        assert len(acknowledged) >= 40, "the clients got 202s before the kill"

        s.start()  # same database, new process
        assert_stored(s, t, sensors, acknowledged)
    finally:
        s.stop()
