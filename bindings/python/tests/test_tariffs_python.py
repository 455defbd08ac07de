# SPDX-License-Identifier: Apache-2.0
"""A tariff shows its tiers, demand charges and schedules (repr, columns, DataFrames), and a
store's tariff versions (storage::tariff_port) are reachable from Python: add with an effective
date, list, the version in effect, and summaries priced by them."""
import json

import numpy as np
import pandas as pd
import pytest

import energy

SUMMER = [0] * 5 + [1] * 4 + [0] * 3  # period 1 from June to September


def _tiered(price_low: float = 0.10) -> str:
    """A tiered URDB record: 0.10 $/kWh up to 1,000 kWh, then 0.20 + 0.01 adj; flat demand 5 $/kW
    in winter and 8 $/kW in summer; 10 $/month fixed; energy period 0 all day, every day."""
    day = [[0] * 24 for _ in range(12)]
    return json.dumps({
        "name": "Tiered test", "utility": "Test Utility",
        "energyratestructure": [[{"rate": price_low, "max": 1000}, {"rate": 0.2, "adj": 0.01}]],
        "energyweekdayschedule": day, "energyweekendschedule": day,
        "flatdemandstructure": [[{"rate": 5}], [{"rate": 8}]], "flatdemandmonths": SUMMER,
        "fixedchargefirstmeter": 10, "fixedchargeunits": "$/month",
    })


def test_repr_names_the_periods_prices_and_charges():
    t = energy.read_urdb(_tiered()).tariff
    assert repr(t) == ("<Tariff 'Tiered test' of 'Test Utility', 1 energy period (0.100000-0.210000 $/kWh), "
                       "2 flat demand periods (5.000000-8.000000 $/kW), fixed 10.000000 $/month, "
                       "demand window 15 min>")


def test_tiers_and_schedules_as_columns_and_frames():
    t = energy.read_urdb(_tiered()).tariff
    tiers = t.tiers
    assert tiers["kind"] == ["energy", "energy", "flat_demand", "flat_demand"]
    assert tiers["up_to_milli"] == [1_000_000, None, None, None]
    assert list(tiers["price_micros"]) == [100_000, 210_000, 5_000_000, 8_000_000]
    assert list(tiers["adj_micros"]) == [0, 10_000, 0, 0]
    assert list(t.schedules["flat_demand_months"]) == SUMMER and t.schedules["energy_weekday"].shape == (12, 24)
    assert (t.fixed_charge_micros, t.fixed_charge_unit) == (10_000_000, "$/month")

    frames = energy.tariff_frames(t)
    tier_frame = frames["tiers"]
    assert list(tier_frame["up_to"].iloc[:2].fillna(-1)) == [1000.0, -1]
    assert tier_frame["up_to_milli"].isna().tolist() == [False, True, True, True]
    assert list(tier_frame["price"]) == [0.10, 0.21, 5.0, 8.0]
    assert frames["flat_demand_months"].loc["Jul", "period"] == 1
    assert frames["energy_weekday"].shape == (12, 24) and frames["energy_weekday"].index[0] == "Jan"
    charges = frames["charges"].set_index("charge")
    assert charges.loc["fixed", "amount_micros"] == 10_000_000 and charges.loc["fixed", "amount"] == 10.0

    sce = energy.read_urdb_file(str(__import__("pathlib").Path(__file__).resolve().parents[3]
                                    / "docs" / "examples" / "small-commercial-tou.urdb.json")).tariff
    frames = energy.tariff_frames(sce)
    assert list(frames["tiers"]["kind"]) == ["energy", "energy", "demand", "demand"]
    assert frames["demand_weekday"].loc["Jul", 12] == 1 and frames["demand_weekend"].loc["Jul", 12] == 0


@pytest.fixture
def building(store, chicago):
    _, b, m = chicago
    index = pd.date_range("2016-06-30", "2016-07-03", freq="h", tz="America/Chicago", inclusive="left")
    energy.ingest_frame(store, pd.DataFrame({"value": 2.0}, index=index), sensor_id=m.id, now="2020-01-01T00:00:00Z")
    store.refresh_summaries()
    return b


def test_tariff_versions_are_added_listed_and_price_the_summaries(store, building):
    b = building
    assert store.tariff_versions(b.id) == [] and store.tariff_in_effect(b.id, "2016-07-01") is None
    days = energy.summaries_frame(store, b.id, "day")
    assert list(days["cost_micros"]) == [5_520_000] * 3  # 48 kWh x 0.115 flat rate

    added = store.add_tariff_version(b.id, _tiered(), effective="2016-07-01", source="tiered.json")
    assert added["revision"] == 1 and added["previous_cost_model"] == "flat_rate"
    assert added["urdb"].tariff.name == "Tiered test" and added["urdb"].unsupported == []
    again = store.add_tariff_version(b.id, _tiered(0.12), effective=__import__("datetime").date(2016, 7, 2))
    assert again["revision"] == 2 and again["previous_cost_model"] is None

    versions = store.tariff_versions(b.id)
    assert [(v["effective"], v["revision"], v["source"]) for v in versions] == [
        ("2016-07-01", 1, "tiered.json"), ("2016-07-02", 2, "")]
    assert json.loads(versions[0]["urdb_json"])["name"] == "Tiered test"
    frame = energy.tariff_versions_frame(store, b.id)
    assert list(frame["name"]) == ["Tiered test", "Tiered test"] and str(frame["recorded_at"].dt.tz) == "UTC"
    assert store.tariff_in_effect(b.id, "2016-06-30") is None
    assert store.tariff_in_effect(b.id, "2016-07-02").tariff.tiers["price_micros"][0] == 120_000

    # Summaries now price by the versions: July 1 at the first tier's 0.10, July 2 at 0.12 (hour
    # buckets are priced at the first tier); June 30, before any version, by the flat rate.
    store.refresh_summaries()
    days = energy.summaries_frame(store, b.id, "day")
    assert store.summary_settings()["cost_model"] == "stored_tariffs"
    assert list(days["cost_micros"]) == [5_520_000, 4_800_000, 5_760_000]


def test_a_tariff_that_cannot_bill_or_a_bad_date_stores_nothing(store, building):
    b = building
    with pytest.raises(ValueError, match="at least one charge|empty|no charge"):
        store.add_tariff_version(b.id, json.dumps({"name": "nothing", "energyratestructure": []}),
                                 effective="2016-07-01")
    with pytest.raises(energy.ParseError):
        store.add_tariff_version(b.id, "{not json", effective="2016-07-01")
    with pytest.raises(ValueError, match="^effective: '2016-13-01' is not a calendar date"):
        store.add_tariff_version(b.id, _tiered(), effective="2016-13-01")
    with pytest.raises(ValueError, match="^effective: a local calendar date"):
        store.add_tariff_version(b.id, _tiered(), effective=pd.Timestamp("2016-07-01", tz="UTC"))
    with pytest.raises(ValueError, match="unknown building"):
        store.add_tariff_version("0190a0e0-0000-7000-8000-000000000001", _tiered(), effective="2016-07-01")
    assert store.tariff_versions(b.id) == [] and store.summary_settings()["cost_model"] == "flat_rate"
    store.refresh_summaries()
    assert np.all(energy.summaries_frame(store, b.id, "day")["cost_micros"] == 5_520_000)
