# SPDX-License-Identifier: Apache-2.0
"""Alerts end to end against a running energy-server: a condition opens one alert, e-mail reaches
a real SMTP server (aiosmtpd) and the webhook a local receiver that verifies the signature itself;
no duplicate while the condition holds; resolved (and announced) when new readings clear it.
Runs on SQLite and on PostgreSQL (CTest fixture postgres_server)."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import pytest

import auth_helpers
from conftest import Server

RECEIVERS = str(pathlib.Path(__file__).parent / "jobs" / "receivers.py")
WEBHOOK_SECRET = "webhook-secret-0123456789"


class Receivers:
    """The SMTP sink and webhook receiver of receivers.py, in a temporary state directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="energy-receivers-")
        subprocess.run(["/usr/bin/python3", RECEIVERS, "start", self.dir], check=True)
        self.smtp_port = int(pathlib.Path(self.dir, "smtp_port").read_text())
        self.webhook_port = int(pathlib.Path(self.dir, "webhook_port").read_text())

    def stop(self):
        subprocess.run(["/usr/bin/python3", RECEIVERS, "stop", self.dir], check=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def mails(self, alert_id: str) -> list[email.message.Message]:
        out = []
        new = pathlib.Path(self.dir, "maildir", "new")
        for p in sorted(new.iterdir()):
            msg = email.message_from_bytes(p.read_bytes())
            if msg.get("X-Energy-Alert") == alert_id:
                out.append(msg)
        return out

    def hooks(self, alert_id: str) -> list[dict]:
        out = []
        d = pathlib.Path(self.dir, "webhooks")
        if not d.exists():
            return out
        for p in sorted(d.glob("*.json")):
            rec = json.loads(p.read_text())
            body = json.loads(rec["body"])
            if body["alert"]["id"] == alert_id:
                rec["json"] = body
                out.append(rec)
        return out


def wait_for(what, predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def receivers():
    r = Receivers()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def alert_server(backend, receivers):
    # The scheduler is off: the test triggers evaluations itself (POST /api/v1/jobs/alerts/run);
    # the delivery worker runs regardless.
    s = Server(backend, env={"ENERGY_SMTP_URL": f"smtp://127.0.0.1:{receivers.smtp_port}",
                             "ENERGY_SMTP_FROM": "alerts@energy.test",
                             "ENERGY_NOTIFY_POLL_SECONDS": "1",
                             "ENERGY_JOBS": "off"}).start()
    yield s
    s.stop()


def run_alerts(server, root) -> dict:
    # A manual run is keyed by its second (two in one second report the first run's record), and
    # on PostgreSQL two evaluations can fall in one second: start each in a new one.
    time.sleep(1.05)
    status, _, run = server.call("POST", "/api/v1/jobs/alerts/run", token=root)
    assert status == 200, run
    assert run["state"] == "succeeded", run
    return run


def test_alert_opens_once_notifies_by_mail_and_signed_webhook_and_resolves(alert_server,
                                                                           receivers):
    s = alert_server
    root = auth_helpers.admin_token(s.base)
    t = auth_helpers.create_tenant(s.base, root)
    operator = auth_helpers.create_user(s.base, t.token, "operator")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    quarter = now.replace(minute=now.minute - now.minute % 15, second=0)

    status, _, b = s.call("POST", "/api/v1/buildings", token=t.token,
                          body={"name": "Depot", "time_zone": "Europe/Berlin"})
    assert status == 201, b
    status, _, sensor = s.call("POST", f"/api/v1/buildings/{b['id']}/sensors", token=t.token,
                               body={"type": "electricity", "kind": "interval_energy",
                                     "unit": "kWh", "interval_seconds": 900,
                                     "created_at": iso(quarter - dt.timedelta(days=1))})
    assert status == 201, sensor

    def send(first: dt.datetime, last: dt.datetime):
        readings = []
        at = first
        while at < last:
            readings.append({"sensor_id": sensor["id"], "timestamp": iso(at), "value_kwh": 1.25})
            at += dt.timedelta(minutes=15)
        status, _, body = s.call("POST", "/api/v1/sensors/readings/batch", token=t.token,
                                 body={"readings": readings})
        assert status == 202, body

    # Readings until two hours ago: the sensor has been silent for two hours.
    send(quarter - dt.timedelta(hours=8), quarter - dt.timedelta(hours=2))
    status, _, config = s.call(
        "POST", f"/api/v1/buildings/{b['id']}/alert-configs", token=t.token,
        body={"name": "Depot meter silent", "data_gap_minutes": 30,
              "notification_emails": ["facilities@energy.test"],
              "webhook_url": f"http://127.0.0.1:{receivers.webhook_port}/ok?secret={WEBHOOK_SECRET}",
              "webhook_secret": WEBHOOK_SECRET})
    assert status == 201, config

    run = run_alerts(s, root)
    assert run["counts"]["tenants"][t.tenant_id]["opened"] == 1
    status, _, page = s.call("GET", "/api/v1/alerts?state=open", token=operator.token)
    assert status == 200 and len(page["alerts"]) == 1, page
    alert = page["alerts"][0]
    assert alert["condition"] == "data_gap" and alert["config_id"] == config["id"]

    mail = wait_for("the e-mail", lambda: receivers.mails(alert["id"]))[0]
    assert mail["X-RcptTo"] == "facilities@energy.test"
    assert mail["X-Energy-Event"] == "alert.opened"
    assert "Depot" in mail.get_payload(decode=True).decode()
    hook = wait_for("the webhook", lambda: receivers.hooks(alert["id"]))[0]
    assert hook["signature_valid"] is True
    assert hook["headers"]["x-energy-event"] == "alert.opened"
    assert hook["json"]["alert"]["state"] == "open"

    # Still silent at the next evaluation: no second alert, nothing new sent.
    run = run_alerts(s, root)
    assert run["counts"]["tenants"][t.tenant_id]["opened"] == 0
    assert run["counts"]["tenants"][t.tenant_id]["still_open"] == 1
    time.sleep(2.5)  # > two delivery polls
    assert len(receivers.mails(alert["id"])) == 1
    assert len(receivers.hooks(alert["id"])) == 1

    # An operator acknowledges it; a viewer could not, another tenant sees nothing.
    viewer = auth_helpers.create_user(s.base, t.token, "viewer")
    status, _, _ = s.call("POST", f"/api/v1/alerts/{alert['id']}/acknowledge",
                          token=viewer.token, body={"comment": "x"})
    assert status == 403
    other = auth_helpers.create_tenant(s.base, root)
    status, _, _ = s.call("GET", f"/api/v1/alerts/{alert['id']}", token=other.token)
    assert status == 404
    status, _, acked = s.call("POST", f"/api/v1/alerts/{alert['id']}/acknowledge",
                              token=operator.token, body={"comment": "gateway rebooting"})
    assert status == 200, acked
    assert acked["state"] == "acknowledged" and acked["acknowledged_by"] == operator.email

    # The missing readings arrive: the next evaluation resolves the alert and says so.
    send(quarter - dt.timedelta(hours=2), quarter)
    run = run_alerts(s, root)
    assert run["counts"]["tenants"][t.tenant_id]["resolved"] == 1
    mails = wait_for("the resolution e-mail", lambda: len(receivers.mails(alert["id"])) == 2
                     and receivers.mails(alert["id"]))
    assert sorted(m["X-Energy-Event"] for m in mails) == ["alert.opened", "alert.resolved"]
    hooks = wait_for("the resolution webhook", lambda: len(receivers.hooks(alert["id"])) == 2
                     and receivers.hooks(alert["id"]))
    assert all(h["signature_valid"] is True for h in hooks)
    assert hooks[1]["json"]["event"] == "alert.resolved"

    status, _, final = s.call("GET", f"/api/v1/alerts/{alert['id']}", token=t.token)
    assert status == 200
    assert final["state"] == "resolved" and final["resolved_at"]
    assert final["ack_comment"] == "gateway rebooting"
    wait_for("every notification marked sent", lambda: all(
        n["state"] == "sent" for n in s.call("GET", f"/api/v1/alerts/{alert['id']}",
                                             token=t.token)[2]["notifications"]))


def test_alert_config_routes_refuse_bad_bodies_and_other_tenants(alert_server):
    s = alert_server
    root = auth_helpers.admin_token(s.base)
    t = auth_helpers.create_tenant(s.base, root)
    other = auth_helpers.create_tenant(s.base, root)
    status, _, b = s.call("POST", "/api/v1/buildings", token=t.token,
                          body={"name": "HQ", "time_zone": "America/New_York"})
    assert status == 201
    url = f"/api/v1/buildings/{b['id']}/alert-configs"
    status, _, body = s.call("POST", url, token=t.token,
                             body={"name": "cap", "threshold_kwh": 1.2345})
    assert status == 422 and body["field"] == "/threshold_kwh", body
    status, _, body = s.call("POST", url, token=t.token, body={"name": "cap", "treshold_kwh": 5})
    assert status == 422 and body["field"] == "/treshold_kwh", body
    status, _, body = s.call("POST", url, token=other.token,
                             body={"name": "cap", "threshold_kwh": 5})
    assert status == 404, body
    status, _, created = s.call("POST", url, token=t.token,
                                body={"name": "cap", "threshold_kwh": "5",
                                      "notification_email": "ops@energy.test"})
    assert status == 201, created
    status, _, listed = s.call("GET", url, token=t.token)
    assert status == 200 and [c["id"] for c in listed["alert_configs"]] == [created["id"]]
    status, _, _ = s.call("DELETE", f"/api/v1/alert-configs/{created['id']}", token=other.token)
    assert status == 404
    status, _, _ = s.call("DELETE", f"/api/v1/alert-configs/{created['id']}", token=t.token)
    assert status == 204


def test_job_runs_are_visible_to_admins_in_their_two_views(alert_server):
    s = alert_server
    root = auth_helpers.admin_token(s.base)
    t = auth_helpers.create_tenant(s.base, root)
    status, _, run = s.call("POST", "/api/v1/jobs/aggregate/run", token=root)
    assert status == 200 and run["state"] == "succeeded" and "marks_claimed" in run["counts"]
    status, _, runs = s.call("GET", "/api/v1/jobs/runs?job=aggregate", token=t.token)
    assert status == 200 and runs["runs"], runs
    assert "owner" not in runs["runs"][0] and runs["runs"][0]["counts"] is None
    status, _, runs = s.call("GET", "/api/v1/admin/jobs/runs?job=aggregate", token=root)
    assert status == 200 and runs["runs"][0]["owner"]
    status, _, metrics = s.call("GET", "/metrics")
    assert 'energy_job_runs_total{job="aggregate",outcome="succeeded"}' in metrics
