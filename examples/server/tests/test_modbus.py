"""energy-server polls a Modbus TCP meter when ENERGY_MODBUS_CONFIG is set: end to end with the
real server process, a real libmodbus meter (tests/support/modbus_test_meter.cpp) and SQLite.
Readings land in the meter's tenant's sensor; a meter that stops answering shows in /metrics."""
import os
import subprocess
import time

import pytest

import auth_helpers
import stored_readings
from conftest import Server

METER_BIN = os.environ.get("ENERGY_MODBUS_METER_BIN", "")


def metric(server: Server, line_prefix: str) -> float:
    status, _, body = server.call("GET", "/metrics")
    assert status == 200
    text = body if isinstance(body, str) else body.decode()
    for line in text.splitlines():
        if line.startswith(line_prefix + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def wait_for(what: str, check, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def test_server_polls_a_modbus_meter_into_its_tenant(tmp_path):
    if not METER_BIN:
        pytest.skip("ENERGY_MODBUS_METER_BIN not set: this build has no Modbus adapter")
    meter = subprocess.Popen([METER_BIN], stdout=subprocess.PIPE, text=True)
    try:
        port = int(meter.stdout.readline().split()[1])
        server = Server("sqlite").start()
        root = auth_helpers.admin_token(server.base)
        tenant = auth_helpers.create_tenant(server.base, root)
        status, _, building = server.call("POST", "/api/v1/buildings", tenant.token,
                                          body={"name": "Plant", "time_zone": "UTC"})
        assert status == 201, building
        status, _, sensor = server.call(
            "POST", f"/api/v1/buildings/{building['id']}/sensors", tenant.token,
            body={"type": "electricity", "kind": "cumulative_register", "unit": "Wh",
                  "interval_seconds": 60, "created_at": "2024-01-01T00:00:00Z"})
        assert status == 201, sensor
        server.stop()

        (tmp_path / "counter.map").write_text(
            "energy-modbus-map 1\n"
            "register energy function=holding address=0 type=uint32 unit=Wh "
            "kind=cumulative_register\n")
        (tmp_path / "meters.conf").write_text(
            "energy-modbus-meters 1\n"
            f"meter plant host=127.0.0.1 port={port} unit=1 map=counter.map "
            f"tenant={tenant.tenant_id} sensor.energy={sensor['id']}\n")
        server.env.update({"ENERGY_MODBUS_CONFIG": str(tmp_path / "meters.conf"),
                           "ENERGY_MODBUS_INTERVAL": "1", "ENERGY_MODBUS_TIMEOUT_MS": "300",
                           "ENERGY_MODBUS_RETRIES": "1"})
        server.start()
        try:
            db = server.db_uri.removeprefix("sqlite:")

            def stored_rows():
                # (timestamp, value) of the sensor's readings as persisted: the library's chunks
                # decoded (stored_readings.py), not an API answer.
                return [(ts, value) for ts, value, _ in stored_readings.readings(db, sensor["id"])]

            # Polled every second, the 60 s sensor gets the samples on its minute grid: the first
            # row closes at the second minute boundary after the start (at most 120 s).
            wait_for("meter_up 1 in /metrics", lambda: metric(
                server, 'energy_modbus_meter_up{meter="plant"}') == 1.0, timeout=30)
            wait_for("a stored interval", lambda: len(stored_rows()) >= 1, timeout=180)
            ts, value = stored_rows()[0]
            assert ts % 60 == 0
            # The meter counts 10 Wh/s: 600 Wh a minute (stored milli-kWh = Wh), give or take the
            # few ms between the minute boundary and the read.
            assert 580 <= value <= 620, value
            assert metric(server, "energy_modbus_samples_total") >= 60

            meter.kill()
            meter.wait()
            wait_for("meter_up 0 after the meter went away", lambda: metric(
                server, 'energy_modbus_meter_up{meter="plant"}') == 0.0, timeout=30)
            assert metric(server, 'energy_modbus_polls_total{outcome="failed"}') >= 1
            assert server.proc.poll() is None  # still serving
        finally:
            assert server.stop() == 0
    finally:
        if meter.poll() is None:
            meter.kill()
            meter.wait()
