# SPDX-License-Identifier: Apache-2.0
"""The auth module over real HTTP (conftest.Server on SQLite and PostgreSQL): first-start
bootstrap, security headers and CORS on every answer, failed-login limits (429, retry_after),
device keys end to end, logout."""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest

import attack_support as at
import auth_helpers as ah
from conftest import Server

ORIGIN = "https://dash.example.com"


@pytest.fixture(scope="module")
def server(backend):
    s = Server(backend, env={"ENERGY_CORS_ORIGINS": ORIGIN, "ENERGY_HSTS": "1",
                             "ENERGY_LOGIN_MAX_FAILURES": "3", "ENERGY_JOBS": "off"}).start()
    yield s
    s.stop()


def test_first_start_prints_a_generated_password_that_logs_in(backend):
    s = Server(backend, env={"ENERGY_ADMIN_PASSWORD": None, "ENERGY_ADMIN_EMAIL": "ops@x.test",
                             "ENERGY_JOBS": "off"}).start()
    try:
        # The text follows the "listening" log line: wait for it.
        deadline = time.time() + 20
        while "(generated" not in s.stderr() and time.time() < deadline:
            time.sleep(0.05)
        text = s.stderr()
        m = re.search(r"password: (\S+)\s+\(generated", text)
        assert m, text
        assert "curl -s -X POST " + s.base + "/api/v1/auth/login" in text
        assert ah.login(s.base, "ops@x.test", m.group(1))["user"]["role"] == "server_admin"
    finally:
        s.stop()
    # A second start on the same database creates nobody and prints no password.
    again = Server(backend, db_uri=s.db_uri, env={"ENERGY_ADMIN_PASSWORD": None,
                                                  "ENERGY_ADMIN_EMAIL": "ops@x.test",
                                                  "ENERGY_JOBS": "off"}).start()
    try:
        assert "(generated" not in again.stderr()
    finally:
        again.stop()


@pytest.mark.parametrize("path,token_kind,status", [
    ("/healthz", None, 200),
    ("/api/v1/users", None, 401),
    ("/api/v1/users", "garbage", 401),
    ("/api/v1/no-such-route", None, 404),
])
def test_every_answer_carries_the_security_headers(server, path, token_kind, status):
    got, headers, _ = ah.call(server.base, "GET", path, token=token_kind)
    assert got == status
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["strict-transport-security"].startswith("max-age=")


def test_cors_answers_only_the_configured_origin(server):
    _, ok, _ = ah.call(server.base, "GET", "/healthz", headers={"Origin": ORIGIN})
    assert ok["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-credentials" not in ok
    _, evil, _ = ah.call(server.base, "GET", "/healthz", headers={"Origin": "https://evil.test"})
    assert "access-control-allow-origin" not in evil
    assert evil["vary"] == "Origin"
    status, pre, _ = ah.call(server.base, "OPTIONS", "/api/v1/users",
                             headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                      "Access-Control-Request-Headers": "authorization"})
    assert status == 204
    assert pre["access-control-allow-origin"] == ORIGIN
    assert "Authorization" in pre["access-control-allow-headers"]
    status, _, body = ah.call(server.base, "OPTIONS", "/api/v1/users",
                              headers={"Origin": "https://evil.test",
                                       "Access-Control-Request-Method": "POST"})
    assert status == 403 and body["type"] == "/problems/cors"


def test_failed_logins_are_limited_with_retry_after(server):
    root = ah.admin_token(server.base)
    victim = ah.create_tenant(server.base, root)
    for email in (victim.email, ah.unique_email("ghost")):
        for _ in range(3):
            status, _, _ = ah.call(server.base, "POST", "/api/v1/auth/login",
                                   body={"email": email, "password": "wrong-password-1"})
            assert status == 401
        status, _, body = ah.call(server.base, "POST", "/api/v1/auth/login",
                                  body={"email": email, "password": victim.password})
        assert status == 429, body
        assert body["type"] == "/problems/rate-limited"
        assert 0 < body["retry_after"] <= 15 * 60


def _building_with_sensor(server, doc, token):
    ops = {o.name: o for o in at.operations(doc)}
    body = at.example(doc, ops["POST /api/v1/buildings"].body_schema(doc), {})
    status, _, b = ah.call(server.base, "POST", "/api/v1/buildings", token, body)
    assert status == 201, b
    body = {"type": "electricity", "kind": "interval_energy", "unit": "kWh",
            "interval_seconds": 900, "created_at": "2025-01-01T00:00:00Z"}
    status, _, s = ah.call(server.base, "POST", f"/api/v1/buildings/{b['id']}/sensors", token,
                           body)
    assert status == 201, s
    return b["id"], s["id"]


def test_a_device_key_ingests_into_its_buildings_only_and_reads_nothing(server):
    _, _, doc = ah.call(server.base, "GET", "/api/v1/openapi.json")
    admin = ah.create_tenant(server.base, ah.admin_token(server.base))
    mine_building, mine_sensor = _building_with_sensor(server, doc, admin.token)
    _, other_sensor = _building_with_sensor(server, doc, admin.token)
    key = ah.create_device_key(server.base, admin.token, "gateway", buildings=[mine_building])
    assert key.token.startswith("edk_")

    def batch(sensor):
        return {"readings": [{"sensor_id": sensor, "timestamp": "2026-01-01T00:00:00Z",
                              "value_kwh": 1.5}]}

    status, _, body = ah.call(server.base, "POST", "/api/v1/sensors/readings/batch", key.token,
                              batch(mine_sensor))
    assert status == 202 and body["accepted"] == 1, body
    status, _, body = ah.call(server.base, "POST", "/api/v1/sensors/readings/batch", key.token,
                              batch(other_sensor))
    assert status == 202 and body["accepted"] == 0 and body["rejected"] == 1, body
    status, _, _ = ah.call(server.base, "GET", f"/api/v1/buildings/{mine_building}", key.token)
    assert status == 403
    _, _, keys = ah.call(server.base, "GET", "/api/v1/device-keys", admin.token)
    assert keys["device_keys"][0]["last_used_at"] is not None
    assert key.token not in str(keys)
    status, _, _ = ah.call(server.base, "DELETE", f"/api/v1/device-keys/{key.user_id}",
                           admin.token)
    assert status == 204
    status, _, _ = ah.call(server.base, "POST", "/api/v1/sensors/readings/batch", key.token,
                           batch(mine_sensor))
    assert status == 401


def test_logout_ends_the_session_over_http(server):
    admin = ah.create_tenant(server.base, ah.admin_token(server.base))
    tokens = ah.login(server.base, admin.email, admin.password)
    assert ah.call(server.base, "GET", "/api/v1/users", tokens["access_token"])[0] == 200
    status, _, _ = ah.call(server.base, "POST", "/api/v1/auth/logout",
                           body={"refresh_token": tokens["refresh_token"]})
    assert status == 204
    assert ah.call(server.base, "GET", "/api/v1/users", tokens["access_token"])[0] == 401
    status, _, _ = ah.call(server.base, "POST", "/api/v1/auth/refresh",
                           body={"refresh_token": tokens["refresh_token"]})
    assert status == 401
    # The admin's other session (from create_tenant) still works.
    assert ah.call(server.base, "GET", "/api/v1/users", admin.token)[0] == 200


@pytest.fixture(scope="module")
def unthrottled_server(backend):
    s = Server(backend, env={"ENERGY_LOGIN_MAX_FAILURES": "1000",
                             "ENERGY_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
                             "ENERGY_JOBS": "off"}).start()
    yield s
    s.stop()


def _login_seconds(base, email):
    started = time.perf_counter()
    status, _, body = ah.call(base, "POST", "/api/v1/auth/login",
                              body={"email": email, "password": "wrong-password-1"})
    return time.perf_counter() - started, status, body


def test_a_failed_login_does_not_tell_a_known_account_by_its_answer_or_its_time(
        unthrottled_server):
    base = unthrottled_server.base
    root = ah.admin_token(base)
    known = ah.create_tenant(base, root).email
    unknown = ah.unique_email("nobody")
    # Interleaved, so load on the machine falls on both alike; medians, so a scheduling hiccup
    # does not decide. Without the dummy verification an unknown account answers ~50x faster.
    times = {known: [], unknown: []}
    bodies = {}
    for _ in range(15):
        for email in (known, unknown):
            seconds, status, body = _login_seconds(base, email)
            assert status == 401
            times[email].append(seconds)
            bodies[email] = {k: v for k, v in body.items() if k not in ("request_id", "instance")}
    assert bodies[known] == bodies[unknown]
    median = {email: sorted(t)[len(t) // 2] for email, t in times.items()}
    ratio = median[unknown] / median[known]
    print(f"login failure medians: known {median[known] * 1e3:.1f} ms, "
          f"unknown {median[unknown] * 1e3:.1f} ms, ratio {ratio:.2f}")
    assert 0.5 < ratio < 2.0, median


def test_a_user_changes_its_password_and_every_old_session_ends(server):
    root = ah.admin_token(server.base)
    admin = ah.create_tenant(server.base, root)
    viewer = ah.create_user(server.base, admin.token, "viewer")
    second = ah.login(server.base, viewer.email, viewer.password)  # another device's session
    path = "/api/v1/auth/password"

    status, _, body = ah.call(server.base, "POST", path, viewer.token,
                              body={"current_password": "not-it-1", "new_password": "n3w-" + "x" * 12})
    assert status == 400 and body["field"] == "/current_password", body
    status, _, body = ah.call(server.base, "POST", path, viewer.token,
                              body={"current_password": viewer.password,
                                    "new_password": viewer.password})
    assert status == 400 and body["field"] == "/new_password", body
    status, _, body = ah.call(server.base, "POST", path, viewer.token,
                              body={"current_password": viewer.password, "new_password": "short"})
    assert status == 400 and body["field"] == "/new_password", body

    new_password = "n3w-" + viewer.password
    status, _, fresh = ah.call(server.base, "POST", path, viewer.token,
                               body={"current_password": viewer.password,
                                     "new_password": new_password})
    assert status == 200, fresh
    # Both old sessions are over: access and refresh tokens alike.
    for token in (viewer.token, second["access_token"]):
        status, _, _ = ah.call(server.base, "GET", f"/api/v1/tenants/{viewer.tenant_id}/buildings",
                               token)
        assert status == 401
    status, _, _ = ah.call(server.base, "POST", "/api/v1/auth/refresh",
                           body={"refresh_token": second["refresh_token"]})
    assert status == 401
    # The returned session works; the old password no longer logs in, the new one does.
    status, _, _ = ah.call(server.base, "GET", f"/api/v1/tenants/{viewer.tenant_id}/buildings",
                           fresh["access_token"])
    assert status == 200
    status, _, _ = ah.call(server.base, "POST", "/api/v1/auth/login",
                           body={"email": viewer.email, "password": viewer.password})
    assert status == 401
    assert ah.login(server.base, viewer.email, new_password)["user"]["id"] == viewer.user_id

    key = ah.create_device_key(server.base, admin.token, "gateway")
    status, _, _ = ah.call(server.base, "POST", path, key.token,
                           body={"current_password": "x", "new_password": "y" * 16})
    assert status == 403
    status, _, audit = ah.call(server.base, "GET", "/api/v1/audit?limit=500", admin.token)
    assert status == 200
    events = [e["event"] for e in audit["events"]]
    assert "password_changed" in events and "password_change_failed" in events
