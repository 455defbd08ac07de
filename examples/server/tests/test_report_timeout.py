# SPDX-License-Identifier: Apache-2.0
"""GET /buildings/{id}/analytics/report runs on report threads with a deadline
(ENERGY_REPORT_TIMEOUT): a report that cannot finish — here, PostgreSQL tables held locked from
outside — is answered 504 at the deadline with a problem document, a full report queue answers
503 at once, and once the database answers again the same thread serves the next report."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

from auth_helpers import admin_token, create_tenant
from conftest import Server, postgres_base_uri

TIMEOUT_S = 2


def hold_tables(uri: str) -> subprocess.Popen:
    """A psql session holding the store's reading and summary tables locked until it ends."""
    p = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", uri],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    assert p.stdin is not None and p.stdout is not None
    p.stdin.write("BEGIN;\nLOCK TABLE energy.readings, energy.summaries IN ACCESS EXCLUSIVE MODE;\n"
                  "\\echo locked\n")
    p.stdin.flush()
    assert p.stdout.readline().strip() == "locked"
    return p


def release(p: subprocess.Popen) -> None:
    assert p.stdin is not None
    p.stdin.write("ROLLBACK;\n")
    p.stdin.close()
    p.wait(timeout=60)


@pytest.mark.skipif(postgres_base_uri() is None,
                    reason="PostgreSQL test server not running (CTest fixture postgres_server)")
def test_a_report_past_its_deadline_answers_504_a_full_queue_503_and_the_thread_is_reused():
    s = Server("postgres", env={"ENERGY_REPORT_TIMEOUT": str(TIMEOUT_S),
                                "ENERGY_REPORT_THREADS": "1"}).start()
    try:
        t = create_tenant(s.base, admin_token(s.base))
        status, _, b = s.call("POST", "/api/v1/buildings", t.token,
                              body={"name": "HQ", "time_zone": "Europe/Berlin"})
        assert status == 201
        path = f"/api/v1/buildings/{b['id']}/analytics/report?report_type=efficiency&period=month"
        status, _, _ = s.call("GET", path, t.token, timeout=120)
        assert status == 200  # the report works while nothing holds the tables

        lock = hold_tables(s.db_uri)
        try:
            # One report runs (blocked on the lock) and 4 wait: the queue of 1 thread is full.
            answers: list = [None] * 6
            started = time.monotonic()

            def ask(i):
                answers[i] = (s.call("GET", path, t.token, timeout=120), time.monotonic())

            threads = [threading.Thread(target=ask, args=(i,)) for i in range(5)]
            for th in threads:
                th.start()
                time.sleep(0.05)  # in order: the first one takes the thread
            # Queued until a slot frees: a sixth request finds the queue full.
            deadline = time.monotonic() + 60
            while True:
                status, headers, body = s.call("GET", path, t.token, timeout=120)
                if status == 503 or time.monotonic() > deadline:
                    break
            assert status == 503, body
            assert body["type"] == "/problems/unavailable"
            assert "report" in body["detail"]
            assert int(headers["retry-after"]) >= 1
            for th in threads:
                th.join(timeout=120)
            for (status, _, body), at in answers[:5]:
                assert status == 504, body
                assert body["type"] == "/problems/timeout"
                assert body["limit_seconds"] == TIMEOUT_S
                assert "ENERGY_REPORT_TIMEOUT" in body["detail"]
                assert at - started >= TIMEOUT_S - 0.5  # not before the deadline
        finally:
            release(lock)
        # The thread that was stuck finishes its (unwanted) report, and the queued ones that timed
        # out may still be draining: until then a request is refused with 503 and Retry-After, as
        # above. Then the same thread serves the next one.
        deadline = time.monotonic() + 60
        while True:
            status, headers, body = s.call("GET", path, t.token, timeout=120)
            if status != 503 or time.monotonic() > deadline:
                break
            time.sleep(min(int(headers["retry-after"]), 2))
        assert status == 200, body
    finally:
        s.stop()
