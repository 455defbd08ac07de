#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""energy-server latency at a fixed request rate, and memory under idle and slow connections.

Usage:
  server_bench.py energy <energy-server> <energy CLI> [rate] [seconds] [sqlite|postgres]
  server_bench.py memory <energy-server> [idle connections] [slow clients]

energy: a building with 10 electricity sensors and a year (2025, UTC) of hourly readings,
  summarised by the CLI (`energy aggregate`); then GET /buildings/{id}/energy for the year at
  daily resolution (365 buckets) at a fixed rate over keep-alive connections. Requests are sent
  on a fixed schedule (request i at t0 + i/rate) and latency is measured from the scheduled time,
  so a stalled server is charged for the requests it delayed (no coordinated omission). The
  reference, in the same run at the same rate, is GET /buildings/{id} (same token check and
  building lookup, no summaries), the floor of any authenticated read.
memory: RSS of the server (VmRSS) idle, after N keep-alive connections that made one request and
  stay open, and after M slow clients that each send a request one byte per second; a normal
  request's latency is measured while they are all open. The postgres backend needs
  ENERGY_TEST_PG_URI_FILE (see ingest_bench.py).
"""

import asyncio
import os
import socket
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests"))
import auth_helpers  # noqa: E402


def start_server(server_bin: str, backend: str):
    import conftest
    conftest.SERVER_BIN = server_bin
    return conftest.Server(backend, env={"ENERGY_JOBS": "off", "ENERGY_THREADS": "2"}).start()


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def request_bytes(host: str, path: str, token: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            "Accept-Encoding: identity\r\n\r\n").encode()


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        if name.strip().lower() == "transfer-encoding":
            raise RuntimeError("chunked answer: the benchmark expects Content-Length")
    await reader.readexactly(length)
    return status


async def paced(host: str, port: int, request: bytes, rate: float, seconds: float,
                connections: int) -> tuple[list[float], int, float]:
    """Sends rate*seconds requests on a fixed schedule; latencies (ms) from the scheduled time."""
    total = int(rate * seconds)
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    bad = 0
    t0 = time.perf_counter() + 0.2

    async def scheduler():
        for i in range(total):
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.put_nowait(due)
        for _ in range(connections):
            queue.put_nowait(None)

    async def worker():
        nonlocal bad
        reader, writer = await asyncio.open_connection(host, port)
        while (due := await queue.get()) is not None:
            writer.write(request)
            status = await read_response(reader)
            latencies.append((time.perf_counter() - due) * 1000.0)
            if status != 200:
                bad += 1
        writer.close()

    await asyncio.gather(scheduler(), *(worker() for _ in range(connections)))
    return latencies, bad, time.perf_counter() - t0


WARMUP_S = 3.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def energy(server_bin: str, cli_bin: str, rate: float, seconds: float, backend: str) -> None:
    s = start_server(server_bin, backend)
    try:
        root = auth_helpers.admin_token(s.base)
        t = auth_helpers.create_tenant(s.base, root)
        _, _, b = s.call("POST", "/api/v1/buildings", t.token,
                         body={"name": "bench", "time_zone": "UTC"})
        start = 1735689600  # 2025-01-01T00:00:00Z
        for n in range(10):
            status, _, sensor = s.call("POST", f"/api/v1/buildings/{b['id']}/sensors", t.token,
                                       body={"type": "electricity", "kind": "interval_energy",
                                             "unit": "kWh", "interval_seconds": 3600,
                                             "created_at": "2024-01-01T00:00:00Z"})
            assert status == 201, sensor
            readings = [{"sensor_id": sensor["id"],
                         "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                    time.gmtime(start + h * 3600)),
                         "value_kwh": round(1.0 + ((h + n) % 24) / 8.0, 3)} for h in range(8760)]
            status, _, report = s.call("POST", "/api/v1/sensors/readings/batch", t.token,
                                       body={"readings": readings}, timeout=120)
            assert status == 202, report
        subprocess.run([cli_bin, "--db", s.db_uri, "aggregate"], check=True, capture_output=True)
        path = (f"/api/v1/buildings/{b['id']}/energy?start_date=2025-01-01&end_date=2025-12-31"
                "&resolution=day")
        status, _, answer = s.call("GET", path, t.token)
        assert status == 200, answer
        buckets = next(v for v in answer.values() if isinstance(v, list))
        assert len(buckets) == 365, len(buckets)
        host, port = s.base.split("//", 1)[1].rsplit(":", 1)
        runs = {}
        for name, p in (("energy", path), ("building", f"/api/v1/buildings/{b['id']}")):
            # A warm-up at the same rate, not counted: the first second of a run pays for the
            # server's connection buffers growing to the answer's size and the page cache; the
            # measured run is the steady state a dashboard polling all day sees.
            asyncio.run(paced(host, int(port), request_bytes(host, p, t.token), rate, WARMUP_S, 16))
            cpu0 = cpu_seconds(s.proc.pid)
            lat, bad, wall = asyncio.run(paced(host, int(port), request_bytes(host, p, t.token),
                                               rate, seconds, 16))
            runs[name] = (lat, bad, wall, cpu_seconds(s.proc.pid) - cpu0)
        if os.environ.get("ENERGY_BENCH_METRICS"):
            # The server's own latency histograms: whether a slow answer was slow inside the server.
            import urllib.request
            with urllib.request.urlopen(s.base + "/metrics") as m:
                for line in m.read().decode().splitlines():
                    if "request_duration" in line and ("energy" in line or "buildings/{" in line):
                        print(line)
    finally:
        s.stop()
    for name, (lat, bad, wall, cpu) in runs.items():
        print(f"{name}: {len(lat)} requests in {wall:.1f} s = {len(lat) / wall:.0f}/s "
              f"(target {rate:.0f}/s), {bad} not 200; p50 {percentile(lat, 50):.2f} ms, "
              f"p99 {percentile(lat, 99):.2f} ms, max {max(lat):.1f} ms; "
              f"server CPU {cpu * 1000 / len(lat):.2f} ms/request ({backend})")
    e, r = runs["energy"][0], runs["building"][0]
    print(f"ratio energy/building p99: {percentile(e, 99) / percentile(r, 99):.2f}, "
          f"p50: {percentile(e, 50) / percentile(r, 50):.2f}")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(server_bin: str, idle: int, slow: int) -> None:
    s = start_server(server_bin, "sqlite")
    sockets: list[socket.socket] = []
    try:
        root = auth_helpers.admin_token(s.base)
        host, port = s.base.split("//", 1)[1].rsplit(":", 1)
        probe = request_bytes(host, "/healthz", root)
        for _ in range(20):  # warm the allocator and the handler paths before the baseline
            s.call("GET", "/healthz", root)
        pid = s.proc.pid
        base_rss = rss_kib(pid)
        for _ in range(idle):
            c = socket.create_connection((host, int(port)), timeout=30)
            c.sendall(probe)
            got = b""
            while b"\r\n\r\n" not in got:
                got += c.recv(65536)
            sockets.append(c)
        idle_rss = rss_kib(pid)
        t = time.perf_counter()
        status, _, _ = s.call("GET", "/healthz", root)
        idle_probe_ms = (time.perf_counter() - t) * 1000
        assert status == 200
        slow_request = request_bytes(host, "/api/v1/buildings", root)
        slow_socks = [socket.create_connection((host, int(port)), timeout=30) for _ in range(slow)]
        # One byte per second from every slow client for 10 s (well inside ENERGY_REQUEST_TIMEOUT).
        for i in range(10):
            for c in slow_socks:
                c.sendall(slow_request[i:i + 1])
            time.sleep(1.0)
        slow_rss = rss_kib(pid)
        t = time.perf_counter()
        status, _, _ = s.call("GET", "/healthz", root)
        slow_probe_ms = (time.perf_counter() - t) * 1000
        assert status == 200
        sockets.extend(slow_socks)
        peak = max(idle_rss, slow_rss)
        print(f"RSS idle server: {base_rss / 1024:.1f} MiB; with {idle} idle keep-alive "
              f"connections: {idle_rss / 1024:.1f} MiB "
              f"(+{(idle_rss - base_rss) / max(idle, 1):.1f} KiB each); "
              f"+ {slow} slow clients (1 byte/s for 10 s): {slow_rss / 1024:.1f} MiB "
              f"(+{(slow_rss - idle_rss) / max(slow, 1):.1f} KiB each); peak {peak / 1024:.1f} MiB")
        print(f"a normal request meanwhile: {idle_probe_ms:.1f} ms (idle connections open), "
              f"{slow_probe_ms:.1f} ms (slow clients too)")
    finally:
        for c in sockets:
            c.close()
        s.stop()


def main() -> None:
    mode = sys.argv[1]
    if mode == "energy":
        energy(os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]),
               float(sys.argv[4]) if len(sys.argv) > 4 else 500.0,
               float(sys.argv[5]) if len(sys.argv) > 5 else 20.0,
               sys.argv[6] if len(sys.argv) > 6 else "sqlite")
    elif mode == "memory":
        memory(os.path.abspath(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1000,
               int(sys.argv[4]) if len(sys.argv) > 4 else 200)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
