# SPDX-License-Identifier: Apache-2.0
"""Fixtures for HTTP tests of energy-server (standard library only).

`Server` starts the real binary on a free loopback port (ENERGY_LISTEN=127.0.0.1:0; the port is
read from the 'listening' log line) with a temporary SQLite database, or with a fresh database on
the PostgreSQL test server (CTest fixture postgres_server writes its URI), and stops it.
Fixtures: `backend` ("sqlite", "postgres"), `server` (one per module and backend), `sqlite_server`
(one per module), `tenant` (a new tenant with its admin logged in, per test).
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import auth_helpers  # noqa: E402

SERVER_BIN = os.environ.get("ENERGY_SERVER_BIN", "")
CLI_BIN = os.environ.get("ENERGY_CLI_BIN", "")
PG_URI_FILE = os.environ.get("ENERGY_TEST_PG_URI_FILE", "")


def postgres_base_uri() -> str | None:
    if PG_URI_FILE and os.path.exists(PG_URI_FILE):
        return pathlib.Path(PG_URI_FILE).read_text().strip()
    return None


def fresh_postgres_database() -> str:
    """A new empty database on the test server; its URI."""
    base = postgres_base_uri()
    assert base, "no PostgreSQL test server"
    name = "energy_http_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", base, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True)
    return base.rsplit("/", 1)[0] + "/" + name


class Server:
    """One energy-server process. `env` overrides the defaults below."""

    def __init__(self, backend: str = "sqlite", env: dict[str, str] | None = None,
                 cwd: str | None = None, db_uri: str | None = None):
        assert SERVER_BIN, "ENERGY_SERVER_BIN is not set (run through ctest)"
        self.dir = tempfile.mkdtemp(prefix="energy-http-")
        self.cwd = cwd or self.dir
        if db_uri is None:
            db_uri = ("sqlite:" + os.path.join(self.dir, "energy.db") if backend == "sqlite"
                      else fresh_postgres_database())
        self.db_uri = db_uri
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ENERGY_")}
        self.env.update(auth_helpers.server_environment())
        self.env.update({"ENERGY_LISTEN": "127.0.0.1:0", "ENERGY_DB": db_uri,
                         "ENERGY_THREADS": "2", "ENERGY_LOG_LEVEL": "info"})
        self.env.update(env or {})
        self.env = {k: v for k, v in self.env.items() if v is not None}
        self.stdout_path = os.path.join(self.dir, "stdout.log")
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.scheme = "http"

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "Server":
        offset = os.path.getsize(self.stdout_path) if os.path.exists(self.stdout_path) else 0
        out = open(self.stdout_path, "ab")
        err = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen([SERVER_BIN], env=self.env, cwd=self.cwd, stdout=out,
                                     stderr=err, stdin=subprocess.DEVNULL)
        out.close()
        err.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"energy-server exited with {self.proc.returncode}: "
                                     + pathlib.Path(self.stderr_path).read_text())
            with open(self.stdout_path, "rb") as f:
                f.seek(offset)
                for line in f.read().decode(errors="replace").splitlines():
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if event.get("event") == "listening":
                        self.port = int(event["port"])
                        self.scheme = "https" if event.get("tls") else "http"
                        return self
            time.sleep(0.05)
        raise AssertionError("energy-server did not start listening in time")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("energy-server did not stop after the signal")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()

    def log_events(self) -> list[dict]:
        events = []
        for line in pathlib.Path(self.stdout_path).read_text(errors="replace").splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                pass
        return events

    def stderr(self) -> str:
        return pathlib.Path(self.stderr_path).read_text(errors="replace")

    def call(self, method: str, path: str, token: str | None = None, **kw):
        return auth_helpers.call(self.base, method, path, token=token, **kw)

    def aggregate(self) -> None:
        """Brings the summaries up to date (the library CLI on the same database)."""
        if not CLI_BIN:
            pytest.skip("ENERGY_CLI_BIN not set: the energy CLI is needed to aggregate")
        subprocess.run([CLI_BIN, "--db", self.db_uri, "aggregate"], check=True,
                       capture_output=True)


BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request) -> str:
    if request.param == "postgres" and postgres_base_uri() is None:
        pytest.skip("PostgreSQL test server not running (CTest fixture postgres_server)")
    return request.param


@pytest.fixture(scope="module")
def server(backend):
    s = Server(backend).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def sqlite_server():
    s = Server("sqlite").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def root_token(server) -> str:
    return auth_helpers.admin_token(server.base)


@pytest.fixture
def tenant(server, root_token) -> auth_helpers.Identity:
    return auth_helpers.create_tenant(server.base, root_token)
