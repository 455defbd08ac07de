# SPDX-License-Identifier: Apache-2.0
"""PostgreSQL going away mid-ingest: clients streaming batches over HTTP get 202 or 503 with
Retry-After while the database is down — never a 500 — ingest resumes once it is back, and every
batch that got a 202 is stored. Runs its own PostgreSQL (the shared test server must not die
under other tests) with the fixture's script."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error

import pytest

from conftest import Server
from test_group_commit import assert_stored, stream_batch
from test_ingest_durability import setup_sensors

SCRIPT = pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration" / "test_servers.sh"


@pytest.fixture
def own_postgres():
    if not shutil.which("pg_ctl") and not list(pathlib.Path("/usr/lib/postgresql").glob("*/bin")):
        pytest.skip("no PostgreSQL server binaries")
    state = tempfile.mkdtemp(prefix="energy-pg-outage-")
    subprocess.run(["bash", str(SCRIPT), "postgres", "start", state], check=True,
                   capture_output=True, timeout=180)
    try:
        yield state
    finally:
        subprocess.run(["bash", str(SCRIPT), "postgres", "stop", state], capture_output=True,
                       timeout=180)
        shutil.rmtree(state, ignore_errors=True)


def test_postgres_dying_mid_ingest_gives_503_not_500_and_loses_no_acknowledged_batch(own_postgres):
    uri = pathlib.Path(own_postgres, "postgres.uri").read_text().strip()
    s = Server("postgres", db_uri=uri).start()
    clients = 4
    try:
        t, sensors = setup_sensors(s, clients)
        acknowledged: list[tuple[int, int]] = []
        statuses: list[int] = []
        lock = threading.Lock()
        stop = threading.Event()
        restarted = threading.Event()
        after_restart: list[int] = []

        def stream(c):
            i = 0
            while not stop.is_set():
                try:
                    status, headers, body = s.call("POST", "/api/v1/sensors/readings/batch",
                                                   t.token, body=stream_batch(sensors[c], i),
                                                   timeout=60)
                except (urllib.error.URLError, ConnectionError, OSError) as e:
                    raise AssertionError(f"the server itself must stay up: {e}") from e
                with lock:
                    statuses.append(status)
                    if restarted.is_set():
                        after_restart.append(status)
                if status == 202:
                    with lock:
                        acknowledged.append((c, i))
                    i += 1
                else:
                    assert status == 503, (status, body)
                    assert int(headers["retry-after"]) >= 1
                    assert body["type"] == "/problems/unavailable"

        errors: list[BaseException] = []

        def guarded(c):
            try:
                stream(c)
            except BaseException as e:  # noqa: BLE001 (reported in the test's thread)
                errors.append(e)

        threads = [threading.Thread(target=guarded, args=(c,)) for c in range(clients)]
        for th in threads:
            th.start()
        deadline = time.time() + 60
        while len(acknowledged) < 10 and time.time() < deadline and not errors:
            time.sleep(0.02)
        # Immediate shutdown (like a crash: sessions cut, no checkpoint), down for 4 s, back.
        env = dict(os.environ, PG_STOP_MODE="immediate", PG_DOWN_SECONDS="4")
        subprocess.run(["bash", str(SCRIPT), "postgres", "restart", own_postgres], env=env,
                       check=True, capture_output=True, timeout=180)
        restarted.set()
        deadline = time.time() + 60
        while time.time() < deadline and not errors:
            with lock:
                if after_restart.count(202) >= 2 * clients:
                    break
            time.sleep(0.05)
        stop.set()
        for th in threads:
            th.join(120)
        assert not errors, errors
        assert set(statuses) <= {202, 503}, statuses
        assert 503 in statuses, "the outage was seen by some request"
        assert after_restart.count(202) >= 2 * clients, "ingest resumed after the restart"

        assert_stored(s, t, sensors, acknowledged)
    finally:
        s.stop()
