# SPDX-License-Identifier: Apache-2.0
"""energy: exact, time-zone-correct energy data for commercial buildings.

The compiled core (``energy._energy``) does the work; this package adds pandas at the edge
(``energy.frames``), imported lazily so the core works without pandas.

Quick tour::

    import energy
    store = energy.open_store("sqlite:site.db")
    t = energy.Tenant("Acme"); store.put_tenant(t)
    b = energy.Building(t.id, "HQ", "America/Chicago", flat_rate_per_kwh="0.115"); store.put_building(b)
    m = energy.Sensor(b.id, interval_seconds=3600, created_at="2015-01-01T00:00:00Z"); store.put_sensor(m)
    report = energy.ingest_frame(store, df, sensor_id=m.id)   # df: tz-aware DatetimeIndex, 'value' column
    store.refresh_summaries()
    days = energy.summaries_frame(store, b.id, "day")           # local days: 23/24/25 hours
"""
from . import _energy
from ._arguments import install as _install_argument_errors

# Wrong arguments raise a TypeError naming the argument and what it must be (not pybind11's
# "incompatible function arguments"); installed before the names below are imported.
_install_argument_errors(_energy)

from ._energy import __version__  # noqa: F401,E402  (the C++ library's version)
from ._energy import (  # noqa: F401,E402
    Bill,
    Building,
    CaltrackHourlyModel,
    CaltrackHourlySegment,
    EemeterDailyModel,
    EemeterDailySubmodel,
    EemeterHourlyModel,
    ChangepointModel,
    EnergyError,
    FitMetrics,
    OperatingSchedule,
    ParseError,
    ReconciliationReport,
    SeasonalModel,
    Sensor,
    StorageError,
    Store,
    Tariff,
    Tenant,
    TowtBillingModel,
    TowtModel,
    UrdbTariff,
    UtilityBill,
    aggregate,
    summarize,
    align_temperature,
    changepoint_balance_points,
    compute_bill,
    compute_cycle_bills,
    compute_monthly_bills,
    compute_metrics,
    detect_after_hours,
    detect_baseline_deviation,
    detect_data_quality,
    detect_register_resets,
    detect_schedule,
    detect_threshold,
    fit_changepoint,
    fit_seasonal,
    fit_caltrack_hourly,
    fit_towt,
    fit_towt_billing,
    fit_towt_many,
    load_caltrack_daily_model,
    load_eemeter_daily_model,
    load_eemeter_hourly_model,
    load_caltrack_hourly_model,
    flat_energy_tariff,
    ingest,
    lag1_autocorrelation,
    local_day_totals,
    new_id,
    open_store,
    parse_bills_csv,
    peak_demand,
    read_bills_csv,
    read_readings_file,
    read_urdb,
    read_urdb_file,
    recommend,
    analyse_recommendations,
    find_eui_benchmark,
    reconcile,
    savings_uncertainty,
    time_of_week,
)
from .frames import (  # noqa: F401
    aggregate_frame,
    anomalies_frame,
    bill_lines_frame,
    energy_milli,
    forecast_frame,
    greenbutton_frame,
    ingest_frame,
    readings_frame,
    readings_frames,
    reconciliation_frame,
    rejections_frame,
    summaries_frame,
    tariff_frames,
    tariff_versions_frame,
)

try:  # Green Button import exists when the energy::greenbutton adapter was built
    from ._energy import parse_greenbutton, read_greenbutton  # noqa: F401
    _GREENBUTTON = ["parse_greenbutton", "read_greenbutton"]
except ImportError:  # pragma: no cover
    _GREENBUTTON = []

__all__ = sorted(['Bill', 'CaltrackHourlyModel', 'CaltrackHourlySegment', 'fit_caltrack_hourly', 'load_caltrack_daily_model', 'load_caltrack_hourly_model', 'EemeterDailyModel', 'EemeterDailySubmodel', 'load_eemeter_daily_model', 'EemeterHourlyModel', 'load_eemeter_hourly_model', 'Building', 'ChangepointModel', 'EnergyError', 'FitMetrics', 'OperatingSchedule', 'ParseError', 'ReconciliationReport', 'SeasonalModel', 'Sensor', 'StorageError', 'Store', 'Tariff', 'Tenant', 'TowtBillingModel', 'TowtModel', 'UrdbTariff', 'UtilityBill', 'aggregate', 'summarize', 'align_temperature', 'compute_bill', 'compute_cycle_bills', 'compute_monthly_bills', 'compute_metrics', 'detect_after_hours', 'detect_baseline_deviation', 'detect_data_quality', 'detect_register_resets', 'detect_schedule', 'detect_threshold', 'fit_changepoint', 'fit_seasonal', 'fit_towt', 'fit_towt_billing', 'fit_towt_many', 'flat_energy_tariff', 'ingest', 'local_day_totals', 'new_id', 'open_store', 'parse_bills_csv', 'peak_demand', 'read_bills_csv', 'read_readings_file', 'read_urdb', 'read_urdb_file', 'recommend', 'analyse_recommendations', 'find_eui_benchmark', 'reconcile', 'time_of_week', 'aggregate_frame', 'anomalies_frame', 'bill_lines_frame', 'energy_milli', 'forecast_frame', 'ingest_frame', 'readings_frame', 'reconciliation_frame', 'rejections_frame', 'summaries_frame', 'changepoint_balance_points', 'lag1_autocorrelation', 'savings_uncertainty', 'greenbutton_frame', 'tariff_frames', 'tariff_versions_frame', 'readings_frames'] + _GREENBUTTON)
