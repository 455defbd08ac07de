#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""HTTP batch ingest with wrk, next to the library's own ingest of the same batches.

Usage: ingest_bench.py <energy-server> <energy_server_ingest_reference> [seconds] [connections]
       [sqlite|postgres]

ENERGY_BENCH_INGEST_QUEUE sets the server's ENERGY_INGEST_QUEUE (0: no group commit),
ENERGY_BENCH_INGEST_WRITERS its ENERGY_INGEST_WRITERS.
The postgres backend needs ENERGY_TEST_PG_URI_FILE (the file where
`tests/integration/test_servers.sh postgres start <dir>` writes the server's URI); each run gets
fresh databases on that server.

1. starts energy-server (fresh database, scheduler off), creates a tenant, a building and 100
   sensors over HTTP;
2. wrk posts 1,000-reading batches of new rows (bench/ingest.lua) over keep-alive connections;
   readings persisted are counted in the database afterwards (not from wrk's request count);
3. the reference program ingests the same number of the same batches through the library
   (parse + ingest_batch, no HTTP) into another fresh database of the same backend;
4. prints readings/s of both, the ratio, and wrk's p50/p99 latency; and the CPU time per
   1,000-reading batch of the server process and of the PostgreSQL server (its postmaster's
   children) during each run: on a loaded machine wall time says little, CPU time still does.
"""

import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests"))
import auth_helpers  # noqa: E402
import stored_readings  # noqa: E402
from conftest import Server  # noqa: E402


def count_readings(db_uri: str) -> int:
    """Readings persisted in the server's database (not wrk's request count); on SQLite every
    chunk of the library's energy_reading_chunks decoded (tests/stored_readings.py)."""
    if db_uri.startswith("sqlite:"):
        return stored_readings.count(db_uri[len("sqlite:"):])
    out = subprocess.run(["psql", db_uri, "-At", "-c", "SELECT count(*) FROM energy.readings"], capture_output=True, text=True,
                         check=True).stdout
    return int(out.strip())


def cpu_seconds(pid: int, reaped_children: bool = False) -> float:
    """User + system CPU seconds of one process so far (0 once it is gone), with those of its
    ended children that it waited for when `reaped_children`."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(db_uri: str) -> float:
    """CPU seconds of the PostgreSQL server at the URI's port so far: its postmaster (found by its
    `-p PORT` command line), the backends running now and the ended ones it reaped."""
    if db_uri.startswith("sqlite:"):
        return 0.0
    port = db_uri.split("@", 1)[-1].split("/", 1)[0].rsplit(":", 1)[-1]
    postmaster, parents = None, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if args and args[0].endswith(b"postgres") and b"-p" in args and \
                args[args.index(b"-p") + 1:args.index(b"-p") + 2] == [port.encode()]:
            postmaster = int(entry)
    if postmaster is None:
        return 0.0
    return cpu_seconds(postmaster, reaped_children=True) + sum(cpu_seconds(p) for p, pp in parents.items()
                                         if pp == postmaster)


def main() -> None:
    server_bin, reference_bin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    connections = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    backend = sys.argv[5] if len(sys.argv) > 5 else "sqlite"
    os.environ["ENERGY_SERVER_BIN"] = server_bin
    import conftest
    conftest.SERVER_BIN = server_bin
    server_env = {"ENERGY_JOBS": "off", "ENERGY_THREADS": "2"}
    if "ENERGY_BENCH_INGEST_QUEUE" in os.environ:  # 0: without group commit, for comparison
        server_env["ENERGY_INGEST_QUEUE"] = os.environ["ENERGY_BENCH_INGEST_QUEUE"]
    if "ENERGY_BENCH_INGEST_WRITERS" in os.environ:  # group-commit writers (connections)
        server_env["ENERGY_INGEST_WRITERS"] = os.environ["ENERGY_BENCH_INGEST_WRITERS"]
    s = Server(backend, env=server_env).start()
    try:
        root = auth_helpers.admin_token(s.base)
        t = auth_helpers.create_tenant(s.base, root)
        _, _, b = s.call("POST", "/api/v1/buildings", t.token,
                         body={"name": "bench", "time_zone": "UTC"})
        ids = []
        for _ in range(100):
            status, _, sensor = s.call("POST", f"/api/v1/buildings/{b['id']}/sensors", t.token,
                                       body={"type": "electricity", "kind": "interval_energy",
                                             "unit": "kWh", "interval_seconds": 900,
                                             "created_at": "2010-01-01T00:00:00Z"})
            assert status == 201, sensor
            ids.append(sensor["id"])
        sensors_file = os.path.join(s.dir, "sensors.txt")
        with open(sensors_file, "w") as f:
            f.write("\n".join(ids) + "\n")
        threads = 2
        server_cpu0, pg_cpu0 = cpu_seconds(s.proc.pid), postgres_cpu_seconds(s.db_uri)
        env = dict(os.environ, ENERGY_BENCH_SENSORS=sensors_file, ENERGY_BENCH_TOKEN=t.token,
                   ENERGY_BENCH_THREADS=str(threads))
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
                              "--timeout", "10s", "-s", os.path.join(here, "ingest.lua"), s.base],
                             env=env, capture_output=True, text=True, check=True).stdout
        stats = dict(line.split(" ", 1) for line in out.splitlines()
                     if line.split(" ", 1)[0] in ("LAT_P50_MS", "LAT_P99_MS", "REQUESTS",
                                                  "SECONDS", "NON202"))
        server_cpu = cpu_seconds(s.proc.pid) - server_cpu0
        pg_cpu = postgres_cpu_seconds(s.db_uri) - pg_cpu0
        groups = 0
        _, _, text = s.call("GET", "/metrics")
        for line in (text or "").splitlines():
            if line.startswith("energy_ingest_group_commits_total "):
                groups = int(float(line.split()[1]))
    finally:
        s.stop()
    persisted = count_readings(s.db_uri)
    http_seconds = float(stats["SECONDS"])
    http_rate = persisted / http_seconds
    batches = persisted // 1000
    ref_db = (os.path.join(tempfile.mkdtemp(prefix="energy-ref-"), "ref.db") if backend == "sqlite"
              else conftest.fresh_postgres_database())
    ref_pg0, ref_cpu0 = postgres_cpu_seconds(ref_db), os.times()
    ref = subprocess.run([reference_bin, ref_db, str(batches)], capture_output=True, text=True,
                         check=True).stdout
    ref_times = os.times()
    ref_cpu = (ref_times.children_user - ref_cpu0.children_user +
               ref_times.children_system - ref_cpu0.children_system)
    ref_pg = postgres_cpu_seconds(ref_db) - ref_pg0
    ref_stats = dict(line.split(" ", 1) for line in ref.splitlines())
    ref_rate = int(ref_stats["READINGS"]) / float(ref_stats["SECONDS"])
    print(f"HTTP: {persisted} readings persisted in {http_seconds:.1f} s = {http_rate:,.0f}/s "
          f"({stats['REQUESTS'].strip()} requests, {stats['NON202'].strip()} not 202; "
          f"p50 {float(stats['LAT_P50_MS']):.1f} ms, p99 {float(stats['LAT_P99_MS']):.1f} ms; "
          f"{connections} connections, {backend}"
          + (f"; {groups} group commits, {batches / groups:.1f} batches each)" if groups else ")"))
    print(f"library: {ref_stats['READINGS'].strip()} readings in {float(ref_stats['SECONDS']):.2f} s"
          f" = {ref_rate:,.0f}/s")
    print(f"ratio HTTP/library: {http_rate / ref_rate:.3f}")
    per = 1000.0 / max(batches, 1)
    print(f"CPU per 1,000-reading batch: HTTP server {server_cpu * per:.2f} ms"
          + (f" + PostgreSQL {pg_cpu * per:.2f} ms" if backend == "postgres" else "")
          + f"; library {ref_cpu * per:.2f} ms"
          + (f" + PostgreSQL {ref_pg * per:.2f} ms" if backend == "postgres" else "")
          + f"; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
