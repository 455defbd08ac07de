# SPDX-License-Identifier: Apache-2.0
"""energy-server with ENERGY_MQTT_*: readings published to the broker (fixture mqtt_broker) land in
the server's database (SQLite and PostgreSQL), bad ones are answered on the error topic and counted
in /metrics, and another tenant's sensor is refused. The broker side uses the mosquitto clients."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid

import pytest

from auth_helpers import admin_token, create_tenant
from conftest import Server


def broker_port() -> int:
    path = os.environ.get("ENERGY_TEST_MQTT_PORT_FILE")
    if not path or not os.path.exists(path):
        pytest.skip("no MQTT broker (CTest fixture mqtt_broker)")
    with open(path) as f:
        return int(f.read().strip())


# Tests share the fixture's broker and may run in parallel: each process uses a topic root of its
# own (the server's default is energy/{tenant}/{building}/{sensor}).
ROOT = "energy-test-" + uuid.uuid4().hex


def create_session(port: int, client_id: str, topic: str) -> None:
    """A persistent QoS 1 session, as the consumer's first start makes it: messages published
    from now on wait for that client id even before it connects."""
    subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-c", "-i", client_id,
                    "-q", "1", "-t", topic, "-E"], check=True, timeout=60)


def publish(port: int, topic: str, payload: str) -> None:
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", topic,
                    "-m", payload], check=True, timeout=60)


def metric(s: Server, name: str, labels: str) -> float:
    _, _, text = s.call("GET", "/metrics")
    if isinstance(text, bytes):
        text = text.decode()
    m = re.search(re.escape(name + "{" + labels + "}") + r" ([0-9.e+]+)", text)
    return float(m.group(1)) if m else 0.0


def building_with_meter(s: Server, token: str, created_at: str) -> tuple[str, str]:
    """A building and one 15-minute kWh meter; returns their ids."""
    status, _, b = s.call("POST", "/api/v1/buildings", token,
                          body={"name": "HQ", "time_zone": "Europe/Berlin"})
    assert status == 201
    status, _, sensor = s.call("POST", f"/api/v1/buildings/{b['id']}/sensors", token,
                               body={"type": "electricity", "kind": "interval_energy",
                                     "unit": "kWh", "interval_seconds": 900,
                                     "created_at": created_at})
    assert status == 201
    return b["id"], sensor["id"]


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_mqtt_readings_land_and_bad_ones_are_answered(backend):
    from conftest import postgres_base_uri
    if backend == "postgres" and postgres_base_uri() is None:
        pytest.skip("PostgreSQL test server not running (CTest fixture postgres_server)")
    port = broker_port()
    client_id = "energy-server-test-" + uuid.uuid4().hex
    create_session(port, client_id, ROOT + "/+/+/+")
    errors_id = "errors-" + uuid.uuid4().hex
    create_session(port, errors_id, ROOT + "-errors/#")
    s = Server(backend, env={"ENERGY_MQTT_HOST": "127.0.0.1", "ENERGY_MQTT_PORT": str(port),
                             "ENERGY_MQTT_CLIENT_ID": client_id,
                             "ENERGY_MQTT_TOPIC": ROOT + "/{tenant}/{building}/{sensor}",
                             "ENERGY_MQTT_ERROR_TOPIC": ROOT + "-errors/{tenant}/{building}"}).start()
    try:
        root = admin_token(s.base)
        mine, theirs = create_tenant(s.base, root), create_tenant(s.base, root)
        ids = {who.tenant_id: building_with_meter(s, who.token, "2024-01-01T00:00:00Z")
               for who in (mine, theirs)}
        building, sensor = ids[mine.tenant_id]
        _, their_sensor = ids[theirs.tenant_id]
        topic = f"{ROOT}/{mine.tenant_id}/{building}/"
        t0 = 1719835200
        lines = "\n".join(f"{t0 + 900 * i},{i + 1}.5" for i in range(96))
        publish(port, topic + sensor, lines)                                   # 96 good
        publish(port, topic + sensor, f"{t0 + 900 * 96},-1")                   # negative
        publish(port, topic + their_sensor, f"{t0},1")                         # another tenant's
        publish(port, topic + "batch", "{not json")                            # refused whole
        assert wait_for(lambda: metric(s, "energy_mqtt_messages_total", 'outcome="received"') >= 4)
        assert wait_for(lambda: metric(s, "energy_mqtt_readings_total", 'outcome="inserted"') == 96)
        assert metric(s, "energy_mqtt_rejections_total", 'reason="negative_value"') == 1
        assert metric(s, "energy_mqtt_rejections_total", 'reason="unknown_sensor"') == 1
        assert metric(s, "energy_mqtt_messages_total", 'outcome="refused"') == 1

        # Stored in the server's database: re-sending the same readings over HTTP is a no-op.
        batch = {"readings": [{"sensor_id": sensor,
                               "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                          time.gmtime(t0 + 900 * i)),
                               "value": i + 1.5} for i in range(96)]}
        status, _, body = s.call("POST", "/api/v1/sensors/readings/batch", mine.token, body=batch)
        assert status == 202
        assert (body["inserted"], body["unchanged"]) == (0, 96)

        # The three problems were published on the error topic of my tenant and building.
        out = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-c", "-i",
                              errors_id, "-q", "1", "-t", ROOT + "-errors/#", "-C", "3", "-W", "60",
                              "-v"], check=True, timeout=90, capture_output=True, text=True)
        reports = [line.split(" ", 1) for line in out.stdout.splitlines()]
        assert {t for t, _ in reports} == {f"{ROOT}-errors/{mine.tenant_id}/{building}"}
        docs = [json.loads(body) for _, body in reports]
        reasons = sorted(d["rejections"][0]["reason"] for d in docs if "rejections" in d)
        assert reasons == ["negative_value", "unknown_sensor"]
        assert sum(1 for d in docs if "error" in d) == 1
    finally:
        assert s.stop() == 0
        subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker_port()), "-i",
                        client_id, "-t", "x", "-E"], timeout=60)  # clean session: forget it


def test_alerts_are_published_over_mqtt():
    import datetime as dt
    port = broker_port()
    listener = "alerts-" + uuid.uuid4().hex
    create_session(port, listener, ROOT + "-alerts/#")
    s = Server("sqlite", env={"ENERGY_MQTT_HOST": "127.0.0.1", "ENERGY_MQTT_PORT": str(port),
                              "ENERGY_MQTT_CLIENT_ID": "energy-server-test-" + uuid.uuid4().hex,
                              "ENERGY_MQTT_TOPIC": ROOT + "/{tenant}/{building}/{sensor}",
                              "ENERGY_MQTT_ERROR_TOPIC": ROOT + "-errors/{tenant}/{building}",
                              "ENERGY_MQTT_ALERT_TOPIC": ROOT + "-alerts/{tenant}/{building}",
                              "ENERGY_MQTT_ALERT_CLIENT_ID": "alerts-pub-" + uuid.uuid4().hex,
                              "ENERGY_JOBS": "off", "ENERGY_NOTIFY_POLL_SECONDS": "1"}).start()
    try:
        root = admin_token(s.base)
        t = create_tenant(s.base, root)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        quarter = now.replace(minute=now.minute - now.minute % 15, second=0)
        iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
        building, sensor = building_with_meter(s, t.token, iso(quarter - dt.timedelta(days=1)))
        # Readings until two hours ago, then silence: a data-gap alert.
        at, readings = quarter - dt.timedelta(hours=8), []
        while at < quarter - dt.timedelta(hours=2):
            readings.append({"sensor_id": sensor, "timestamp": iso(at), "value_kwh": 1.25})
            at += dt.timedelta(minutes=15)
        status, _, _ = s.call("POST", "/api/v1/sensors/readings/batch", t.token,
                              body={"readings": readings})
        assert status == 202
        status, _, config = s.call("POST", f"/api/v1/buildings/{building}/alert-configs", t.token,
                                   body={"name": "Depot meter silent", "data_gap_minutes": 30})
        assert status == 201, config
        time.sleep(1.05)  # manual runs are keyed by their second
        status, _, run = s.call("POST", "/api/v1/jobs/alerts/run", token=root)
        assert status == 200 and run["state"] == "succeeded", run

        out = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-c", "-i",
                              listener, "-q", "1", "-t", ROOT + "-alerts/#", "-C", "1", "-W", "60",
                              "-v"], check=True, timeout=90, capture_output=True, text=True)
        topic, body = out.stdout.strip().split(" ", 1)
        assert topic == f"{ROOT}-alerts/{t.tenant_id}/{building}"
        doc = json.loads(body)
        assert doc["event"] == "alert.opened"
        assert doc["alert"]["condition"] == "data_gap"
        assert doc["alert"]["building_id"] == building
        assert wait_for(lambda: metric(s, "energy_notifications_total",
                                       'channel="mqtt",outcome="sent"') == 1)
    finally:
        assert s.stop() == 0
        subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-i", listener,
                        "-t", "x", "-E"], timeout=60)


@pytest.mark.parametrize("env,named", [
    ({"ENERGY_MQTT_HOST": "127.0.0.1", "ENERGY_MQTT_PORT": "abc"}, "ENERGY_MQTT_PORT"),
    ({"ENERGY_MQTT_HOST": "127.0.0.1", "ENERGY_MQTT_TOPIC": "energy/{building}/{sensor}"},
     "{tenant}"),
    ({"ENERGY_MQTT_HOST": "127.0.0.1", "ENERGY_MQTT_ERROR_TOPIC": "energy/{tenant}/{building}/e"},
     "overlaps"),
    ({"ENERGY_MQTT_ALERT_TOPIC": "energy-alerts/{tenant}"}, "ENERGY_MQTT_HOST"),
    ({"ENERGY_MQTT_HOST": "127.0.0.1", "ENERGY_MQTT_CERT": "/x.pem"}, "ENERGY_MQTT_CA_FILE"),
])
def test_bad_mqtt_configuration_is_refused_at_start(env, named):
    s = Server("sqlite", env=env)
    with pytest.raises(AssertionError) as refused:
        s.start()
    assert "exited with 2" in str(refused.value)
    assert named in s.stderr()
