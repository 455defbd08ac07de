# SPDX-License-Identifier: Apache-2.0
"""Two energy-server processes on one database, both running the scheduler: each scheduled period
of each job runs once (leases in job_runs), whichever replica takes it. PostgreSQL (the
deployment shape for replicas) and a shared SQLite file."""

from __future__ import annotations

import collections
import time

import pytest

import auth_helpers
from conftest import Server, fresh_postgres_database, postgres_base_uri


@pytest.mark.parametrize("backend_name", ["postgres", "sqlite"])
def test_two_replicas_run_each_scheduled_period_once(backend_name, tmp_path):
    if backend_name == "postgres":
        if postgres_base_uri() is None:
            pytest.skip("PostgreSQL test server not running (CTest fixture postgres_server)")
        uri = fresh_postgres_database()
    else:
        uri = "sqlite:" + str(tmp_path / "shared.db")
    env = {"ENERGY_JOB_TICK_SECONDS": "1"}
    replicas = [Server(db_uri=uri, env=env).start()]
    replicas.append(Server(db_uri=uri, env=env).start())
    try:
        time.sleep(4)  # several ticks of both
        root = auth_helpers.admin_token(replicas[0].base)
        status, _, body = replicas[1].call("GET", "/api/v1/admin/jobs/runs?limit=500", token=root)
        assert status == 200, body
    finally:
        for r in replicas:
            r.stop()
    scheduled = [run for run in body["runs"] if run["trigger"] == "schedule"]
    per_period = collections.Counter((run["job"], run["period_start"]) for run in scheduled)
    assert {job for job, _ in per_period} == {"aggregate", "alerts"}
    assert all(n == 1 for n in per_period.values()), per_period
    assert all(run["state"] == "succeeded" for run in scheduled), scheduled
    # The job log lines agree: across both processes, one run per (job, period).
    ran = collections.Counter()
    for r in replicas:
        for e in r.log_events():
            if e.get("event") == "job" and e.get("trigger") == "schedule":
                ran[(e["job"], e["period_start"])] += 1
    assert ran and all(n == 1 for n in ran.values()), ran
