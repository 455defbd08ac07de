# SPDX-License-Identifier: Apache-2.0
"""The routes the web dashboard adds to energy-server, over HTTP on SQLite and PostgreSQL: each
sensor's latest reading (when the building last heard from it), and the dashboard's static files
from ENERGY_DASHBOARD_DIR (content types, caching, CSP, gzip copies, no path traversal)."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import tempfile
import urllib.request

from auth_helpers import create_tenant, create_user
from conftest import Server


def stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_latest_readings_say_when_each_sensor_was_last_heard_from(server, tenant, root_token):
    now = dt.datetime.now(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
    _, _, b = server.call("POST", "/api/v1/buildings", tenant.token,
                          body={"name": "Depot", "time_zone": "Europe/Berlin"})
    sensor = {"type": "electricity", "kind": "interval_energy", "unit": "kWh",
              "interval_seconds": 3600, "created_at": stamp(now - dt.timedelta(days=30))}
    _, _, heard = server.call("POST", f"/api/v1/buildings/{b['id']}/sensors", tenant.token,
                              body={**sensor, "location": "main"})
    _, _, silent = server.call("POST", f"/api/v1/buildings/{b['id']}/sensors", tenant.token,
                               body={**sensor, "location": "spare"})
    readings = [{"sensor_id": heard["id"], "timestamp": stamp(now - dt.timedelta(hours=h)),
                 "value_kwh": 1.5 + h} for h in (5, 3, 4)]
    # An old reading of the silent sensor, outside a 48-hour window.
    readings.append({"sensor_id": silent["id"], "timestamp": stamp(now - dt.timedelta(days=5)),
                     "value_kwh": 2})
    status, _, body = server.call("POST", "/api/v1/sensors/readings/batch", tenant.token,
                                  body={"readings": readings})
    assert status == 202 and body["rejected"] == 0, body

    viewer = create_user(server.base, tenant.token, "viewer")
    status, _, body = server.call("GET", f"/api/v1/buildings/{b['id']}/latest-readings",
                                  viewer.token)
    assert status == 200, body
    assert body["window_hours"] == 48
    by_id = {s["sensor_id"]: s for s in body["sensors"]}
    assert by_id[heard["id"]]["last_reading_at"] == stamp(now - dt.timedelta(hours=3))
    assert by_id[heard["id"]]["value_exact"] == "4.500"
    assert by_id[heard["id"]]["location"] == "main"
    assert by_id[silent["id"]]["last_reading_at"] is None
    assert by_id[silent["id"]]["value_exact"] is None
    # A week's window finds the silent sensor's old reading.
    _, _, week = server.call("GET", f"/api/v1/buildings/{b['id']}/latest-readings?hours=168",
                             viewer.token)
    assert {s["sensor_id"]: s["value_exact"] for s in week["sensors"]}[silent["id"]] == "2.000"

    for bad in ("0", "169", "x", "1.5", "-3"):
        status, _, problem = server.call(
            "GET", f"/api/v1/buildings/{b['id']}/latest-readings?hours={bad}", viewer.token)
        assert status == 400 and problem["field"] == "hours", (bad, problem)
    other = create_tenant(server.base, root_token)
    status, _, missing = server.call("GET", f"/api/v1/buildings/{b['id']}/latest-readings",
                                     other.token)
    status_none, _, absent = server.call(
        "GET", "/api/v1/buildings/00000000-0000-7000-8000-000000000000/latest-readings",
        other.token)
    assert status == status_none == 404
    assert missing["detail"] == absent["detail"]
    assert server.call("GET", f"/api/v1/buildings/{b['id']}/latest-readings")[0] == 401


def raw_get(base: str, path: str, headers: dict | None = None):
    req = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, {k.lower(): v for k, v in res.headers.items()}, res.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def test_the_dashboard_files_are_served_with_their_types_caching_and_csp():
    site = tempfile.mkdtemp(prefix="energy-dashboard-site-")
    os.makedirs(os.path.join(site, "assets"))
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write("<!doctype html><title>Energy</title>")
    script = b"console.log('energy');" * 50
    with open(os.path.join(site, "assets", "app-TEST1.js"), "wb") as f:
        f.write(script)
    with open(os.path.join(site, "assets", "app-TEST1.js.gz"), "wb") as f:
        f.write(gzip.compress(script))
    with open(os.path.join(site, "secret.json"), "w") as f:
        f.write('{"not": "served"}')
    s = Server("sqlite", env={"ENERGY_DASHBOARD_DIR": site}).start()
    try:
        status, headers, body = raw_get(s.base, "/")
        assert status == 200 and body.startswith(b"<!doctype html>")
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["cache-control"] == "no-cache"
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        status, headers, body = raw_get(s.base, "/assets/app-TEST1.js",
                                        {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert gzip.decompress(body) == script
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        status, headers, body = raw_get(s.base, "/assets/app-TEST1.js")
        assert status == 200 and body == script and "content-encoding" not in headers
        for evil in ("..%2Fsecret.json", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fsecret.json",
                     "secret.json", ".%2Fapp-TEST1.js"):
            status, headers, body = raw_get(s.base, "/assets/" + evil)
            assert status == 404, evil
            assert b"served" not in body
            assert headers["content-type"] == "application/problem+json"
    finally:
        s.stop()
    # No dashboard installed: / is a 404 problem and the API is unaffected.
    s = Server("sqlite", env={"ENERGY_DASHBOARD_DIR": os.path.join(site, "absent")}).start()
    try:
        status, headers, body = raw_get(s.base, "/")
        assert status == 404 and b"ENERGY_DASHBOARD_DIR" in body
        assert raw_get(s.base, "/healthz")[0] == 200
    finally:
        s.stop()
