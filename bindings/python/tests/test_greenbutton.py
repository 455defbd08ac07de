# SPDX-License-Identifier: Apache-2.0
"""Green Button import through Python gives the values the C++ sample tests pin."""
import numpy as np
import pytest

import energy

pytestmark = pytest.mark.skipif(not hasattr(energy, "read_greenbutton"), reason="energy::greenbutton not built")


def test_the_inland_sample_imports_8760_hourly_readings_and_one_bill(data_dir):
    doc = energy.read_greenbutton(str(data_dir / "greenbutton" /
                                      "Inland_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_8.xml"))
    assert doc["issues"] == []
    (mr,) = doc["meter_readings"]
    assert mr["interval_seconds"] == 3600 and len(mr["ts"]) == 8760
    assert mr["ts"][0] == np.datetime64("2011-01-01T08:00:00", "ns")
    assert int(mr["value_milli"].sum()) == 4_800_263
    (bill,) = doc["bills"]
    assert bill.start == "2011-11-01T07:00:00Z" and bill.consumption_milli == 765_490
    assert not bill.amount_stated
    inside = (mr["ts"] >= np.datetime64("2011-11-01T07:00:00")) & (mr["ts"] < np.datetime64("2011-12-01T07:00:00"))
    assert int(mr["value_milli"][inside].sum()) == 336_086  # a reconciliation case, as the C++ test says


def test_the_openespi_sample_bill_states_its_amount(data_dir):
    doc = energy.read_greenbutton(str(data_dir / "greenbutton" / "openespi_test_usage_data_1.xml"))
    (bill,) = doc["bills"]
    assert bill.amount == "152.520000" and bill.consumption_milli == 1_298_640
    assert "ElectricPowerQualitySummary" in doc["ignored_resources"]


def test_malformed_xml_is_a_parse_error_naming_the_source():
    with pytest.raises(energy.ParseError, match="broken.xml"):
        energy.parse_greenbutton("<feed><entry>", "broken.xml")
