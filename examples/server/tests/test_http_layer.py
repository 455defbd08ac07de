# SPDX-License-Identifier: Apache-2.0
"""The HTTP layer over real sockets: public routes, problem documents, limits, gzip, keep-alive,
1,000 idle connections, request time limit, TLS, SIGTERM drain, --help and zero-config start."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import time

import pytest

from conftest import SERVER_BIN, Server


def raw_exchange(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Sends bytes on a new connection and reads until the server closes or answers once."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = b""
        while b"\r\n\r\n" not in chunks:
            part = s.recv(65536)
            if not part:
                break
            chunks += part
        head, _, rest = chunks.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            part = s.recv(65536)
            if not part:
                break
            rest += part
        return head + b"\r\n\r\n" + rest


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def body_of(answer: bytes) -> dict:
    return json.loads(answer.partition(b"\r\n\r\n")[2])


def test_health_ready_metrics_and_openapi_need_no_credentials(sqlite_server):
    assert sqlite_server.call("GET", "/healthz")[0] == 200
    status, _, body = sqlite_server.call("GET", "/readyz")
    assert (status, body["status"]) == (200, "ready")
    status, headers, text = sqlite_server.call("GET", "/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert "energy_http_request_duration_seconds_bucket" in text
    status, _, doc = sqlite_server.call("GET", "/api/v1/openapi.json")
    assert status == 200 and doc["openapi"] == "3.1.0"


def test_every_documented_operation_is_routed_and_protected_as_documented(sqlite_server):
    _, _, doc = sqlite_server.call("GET", "/api/v1/openapi.json")
    assert doc["x-problem-types"], "the problem catalogue is in the document"
    for path, item in doc["paths"].items():
        concrete = path
        while "{" in concrete:
            start = concrete.index("{")
            concrete = concrete[:start] + "01900000-0000-7000-8000-000000000000" + \
                concrete[concrete.index("}") + 1:]
        for method, op in item.items():
            status, _, body = sqlite_server.call(method.upper(), concrete)
            if op["x-energy-access"] == "public":
                assert status not in (401, 403, 405), (method, path, status, body)
                assert not (status == 404 and "no route" in str(body)), (method, path)
            else:
                assert status == 401, (method, path, status, body)


def test_an_unknown_route_is_a_404_problem_with_the_request_id(sqlite_server):
    status, headers, body = sqlite_server.call("GET", "/api/v1/nothing-here")
    assert status == 404
    assert headers["content-type"] == "application/problem+json"
    assert body["type"] == "/problems/not-found"
    assert body["request_id"] == headers["x-request-id"]


def test_a_wrong_method_is_a_405_listing_the_allowed_ones(sqlite_server):
    status, headers, body = sqlite_server.call("DELETE", "/healthz")
    assert status == 405
    assert headers["allow"] == "GET"
    assert body["type"] == "/problems/method-not-allowed"


def test_a_clean_request_id_is_echoed_and_a_forged_one_replaced(sqlite_server):
    _, headers, _ = sqlite_server.call("GET", "/healthz", headers={"X-Request-Id": "abc-123"})
    assert headers["x-request-id"] == "abc-123"
    _, headers, _ = sqlite_server.call("GET", "/healthz",
                                       headers={"X-Request-Id": "x\" injected {"})
    assert headers["x-request-id"] != "x\" injected {" and len(headers["x-request-id"]) == 36


def test_one_json_log_line_per_request_with_route_status_and_latency(sqlite_server):
    sqlite_server.call("GET", "/healthz", headers={"X-Request-Id": "log-line-check"})
    time.sleep(0.2)
    lines = [e for e in sqlite_server.log_events() if e.get("request_id") == "log-line-check"]
    assert len(lines) == 1
    assert lines[0]["route"] == "/healthz" and lines[0]["status"] == 200
    assert lines[0]["latency_ms"] >= 0


def test_data_routes_without_credentials_answer_401(sqlite_server):
    status, _, body = sqlite_server.call("GET", "/api/v1/buildings")
    assert status == 401 and body["type"] == "/problems/unauthorized"


def test_keep_alive_serves_many_requests_on_one_connection(sqlite_server):
    conn = http.client.HTTPConnection("127.0.0.1", sqlite_server.port, timeout=10)
    for _ in range(20):
        conn.request("GET", "/healthz")
        res = conn.getresponse()
        res.read()
        assert res.status == 200
    conn.close()


@pytest.fixture(scope="module")
def limited_server():
    s = Server("sqlite", env={"ENERGY_MAX_BODY_BYTES": "4096",
                              "ENERGY_MAX_DECOMPRESSED_BYTES": "65536",
                              "ENERGY_MAX_HEADER_BYTES": "2048",
                              "ENERGY_REQUEST_TIMEOUT": "2"}).start()
    yield s
    s.stop()


def test_a_body_over_the_limit_is_a_413_problem(limited_server):
    status, _, body = limited_server.call("POST", "/api/v1/sensors/readings/batch",
                                          raw=b"{" + b" " * 10000 + b"}")
    assert status == 413
    assert body["type"] == "/problems/payload-too-large" and body["limit"] == 4096


def test_a_large_upload_over_the_limit_still_gets_its_413(limited_server):
    # 2 MB against a 4 kB limit: the answer comes before the upload ends; the server drains the
    # rest instead of resetting the connection, so the client can read the problem document.
    status, _, body = limited_server.call("POST", "/api/v1/sensors/readings/batch",
                                          raw=b"[" + b"0," * 1_000_000 + b"0]")
    assert status == 413 and body["type"] == "/problems/payload-too-large"


def test_a_gzip_bomb_is_refused_with_413_not_inflated(limited_server):
    bomb = gzip.compress(b"0" * 1_000_000)  # 1 MB inflated from ~1 kB on the wire
    assert len(bomb) < 4096
    status, _, body = limited_server.call("POST", "/api/v1/sensors/readings/batch", raw=bomb,
                                          headers={"Content-Encoding": "gzip"})
    assert status == 413 and "decompressed" in body["detail"]


def test_corrupt_gzip_is_a_400_and_an_unknown_encoding_a_415(limited_server):
    status, _, body = limited_server.call("POST", "/api/v1/sensors/readings/batch",
                                          raw=b"not gzip", headers={"Content-Encoding": "gzip"})
    assert status == 400 and body["field"] == "Content-Encoding"
    status, _, body = limited_server.call("POST", "/api/v1/sensors/readings/batch", raw=b"{}",
                                          headers={"Content-Encoding": "br"})
    assert status == 415


def test_a_header_block_over_the_limit_is_a_431(limited_server):
    answer = raw_exchange(limited_server.port,
                          b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 4000 + b"\r\n\r\n")
    assert status_of(answer) == 431
    assert body_of(answer)["type"] == "/problems/header-too-large"


def test_a_silent_connection_is_closed_after_the_request_time_limit(limited_server):
    with socket.create_connection(("127.0.0.1", limited_server.port), timeout=10) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes the header
        started = time.time()
        assert s.recv(1024) == b""
        assert time.time() - started < 9


def test_expect_100_continue_gets_an_interim_answer(sqlite_server):
    with socket.create_connection(("127.0.0.1", sqlite_server.port), timeout=10) as s:
        s.sendall(b"POST /api/v1/sensors/readings/batch HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 2\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        assert s.recv(1024).startswith(b"HTTP/1.1 100")
        s.sendall(b"{}")
        assert b" 401 " in s.recv(4096)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_a_thousand_idle_keep_alive_connections_do_not_block_a_new_request(sqlite_server):
    before = rss_kib(sqlite_server.proc.pid)
    sockets = []
    try:
        for _ in range(1000):
            s = socket.create_connection(("127.0.0.1", sqlite_server.port), timeout=10)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            sockets.append(s)
        for s in sockets:  # every one answered and left open (keep-alive)
            assert s.recv(4096).startswith(b"HTTP/1.1 200")
        conn = http.client.HTTPConnection("127.0.0.1", sqlite_server.port, timeout=5)
        conn.request("GET", "/healthz")
        assert conn.getresponse().status == 200
        conn.close()
        grown = rss_kib(sqlite_server.proc.pid) - before
        print(f"RSS grew {grown} KiB for 1,000 idle keep-alive connections")
        assert grown < 200 * 1024, "memory per idle connection is bounded"
    finally:
        for s in sockets:
            s.close()


def test_sigterm_finishes_the_request_in_flight_then_exits():
    s = Server("sqlite").start()
    with socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
        body = b'{"readings": []}'
        c.sendall(b"POST /api/v1/sensors/readings/batch HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/json\r\nContent-Length: " +
                  str(len(body)).encode() + b"\r\n\r\n" + body[:5])
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGTERM)
        # New connections are refused (once the signal is handled) while the old one is served.
        deadline = time.time() + 10
        refused = False
        while not refused and time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", s.port), timeout=2).close()
                time.sleep(0.05)
            except OSError:
                refused = True
        assert refused
        c.sendall(body[5:])
        answer = c.recv(65536)
        assert b" 401 " in answer and b"Connection: close" in answer
    assert s.proc.wait(30) == 0
    assert any(e.get("event") == "drained" for e in s.log_events())


def test_help_lists_every_modules_variables_and_version_prints():
    out = subprocess.run([SERVER_BIN, "--help"], capture_output=True, text=True, check=True).stdout
    for name in ("ENERGY_DB", "ENERGY_LISTEN", "ENERGY_THREADS", "ENERGY_MAX_BATCH_READINGS",
                 "ENERGY_TLS_CERT", "ENERGY_JWT_KEYS", "ENERGY_ADMIN_PASSWORD", "ENERGY_JOBS",
                 "ENERGY_SMTP_URL"):
        assert name in out, name
    version = subprocess.run([SERVER_BIN, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("energy-server ")
    bad = subprocess.run([SERVER_BIN, "--port=1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--help" in bad.stderr


def test_a_bad_variable_refuses_to_start_naming_it():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENERGY_")}
    env["ENERGY_THREADS"] = "many"
    bad = subprocess.run([SERVER_BIN], capture_output=True, text=True, env=env, timeout=30)
    assert bad.returncode == 2 and "ENERGY_THREADS='many'" in bad.stderr


def test_zero_config_start_keeps_data_in_energy_data_and_says_how_to_log_in():
    cwd = tempfile.mkdtemp(prefix="energy-zero-")
    # Only the port is chosen (8080 may be taken on a shared machine); everything else defaults.
    s = Server("sqlite", cwd=cwd, db_uri="", env={"ENERGY_DB": None, "ENERGY_ADMIN_PASSWORD": None,
                                                  "ENERGY_ADMIN_EMAIL": None,
                                                  "ENERGY_JWT_KEYS": None})
    s.env.pop("ENERGY_DB", None)
    s.start()
    try:
        assert os.path.exists(os.path.join(cwd, "energy-data", "energy.db"))
        deadline = time.time() + 10  # stderr follows the 'listening' log line
        while "listening on" not in s.stderr() and time.time() < deadline:
            time.sleep(0.05)
        assert "log in" in s.stderr() and "password" in s.stderr()
        assert s.call("GET", "/readyz")[0] == 200
    finally:
        assert s.stop() == 0


def test_tls_is_served_with_the_configured_certificate():
    d = tempfile.mkdtemp(prefix="energy-tls-")
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key,
                    "-out", cert], check=True, capture_output=True)
    s = Server("sqlite", env={"ENERGY_TLS_CERT": cert, "ENERGY_TLS_KEY": key}).start()
    try:
        assert s.scheme == "https"
        ctx = ssl.create_default_context(cafile=cert)
        conn = http.client.HTTPSConnection("127.0.0.1", s.port, context=ctx, timeout=10)
        for _ in range(2):  # the TLS connection is kept alive
            conn.request("GET", "/healthz")
            res = conn.getresponse()
            assert res.status == 200 and json.loads(res.read()) == {"status": "ok"}
        conn.close()
        with pytest.raises(ssl.SSLError):
            ssl.create_default_context().wrap_socket(
                socket.create_connection(("127.0.0.1", s.port)), server_hostname="localhost")
    finally:
        s.stop()
