# SPDX-License-Identifier: Apache-2.0
from decimal import Decimal

import pytest

import energy


def test_models_keep_ids_zones_and_exact_prices():
    t = energy.Tenant("Acme")
    b = energy.Building(t.id, "HQ", "Europe/London", flat_rate_per_kwh=Decimal("0.13553"))
    assert b.tenant_id == t.id and len(b.id) == 36
    assert b.flat_rate_per_kwh == Decimal("0.135530")
    s = energy.Sensor(b.id, type="gas", kind="cumulative_register")
    assert (s.type, s.kind, s.unit) == ("gas", "cumulative_register", "m3")


def test_caller_mistakes_raise_value_error_with_the_reason():
    with pytest.raises(ValueError, match="Mars/Base"):
        energy.Building(energy.new_id(), "X", "Mars/Base")
    with pytest.raises(ValueError, match="not a UUID"):
        energy.Sensor("not-a-uuid")
    with pytest.raises(ValueError, match="accepted: electricity"):
        energy.Sensor(energy.new_id(), type="steam")
    with pytest.raises(ValueError, match="naive times are ambiguous"):
        energy.Tenant("A", created_at="2024-01-01 00:00:00")


def test_storage_failures_are_energy_storage_errors_with_retryable(tmp_path):
    assert issubclass(energy.StorageError, energy.EnergyError)
    assert issubclass(energy.ParseError, ValueError)
    bad = tmp_path / "not-a-db.sqlite"
    bad.write_bytes(b"this is not a SQLite database file" * 100)
    with pytest.raises(energy.StorageError) as info:
        energy.open_store(f"sqlite:{bad}")
    assert info.value.retryable is False


def test_unknown_store_scheme_is_a_value_error():
    with pytest.raises(ValueError):
        energy.open_store("redis://localhost")
