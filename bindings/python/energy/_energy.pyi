# SPDX-License-Identifier: Apache-2.0
"""Type stubs for the compiled core. Instants are RFC 3339 str with offset, int epoch seconds or a
tz-aware datetime / pandas.Timestamp; timestamp columns are datetime64[ns] UTC numpy arrays or
tz-aware pandas objects (DatetimeIndex, Series, a DataFrame's index); ids are canonical UUID str."""
import math
from decimal import Decimal
from typing import Any, Iterator, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

import datetime

Instant = Union[str, int, datetime.datetime, None]
Id = Any  # str or uuid.UUID

__version__: str  # "major.minor.patch" of the C++ library, as project(VERSION) in CMakeLists.txt

class EnergyError(RuntimeError): ...
class StorageError(EnergyError):
    retryable: bool
class ParseError(EnergyError, ValueError): ...

class Tenant:
    id: str
    name: str
    created_at: str
    def __init__(self, name: str, *, id: Optional[Id] = None, created_at: Instant = None) -> None: ...

class Building:
    id: str
    tenant_id: str
    name: str
    time_zone: str
    address: str
    square_footage: Optional[int]
    primary_use: str
    flat_rate_per_kwh: Optional[Decimal]
    created_at: str
    def __init__(self, tenant_id: Id, name: str, time_zone: str, *, address: str = "",
                 square_footage: Optional[int] = None, primary_use: str = "",
                 flat_rate_per_kwh: Union[str, Decimal, int, None] = None, id: Optional[Id] = None,
                 created_at: Instant = None) -> None: ...

class Sensor:
    id: str
    building_id: str
    type: str
    kind: str
    unit: str
    interval_seconds: int
    max_value: Optional[float]
    register_max: Optional[float]
    location: str
    active: bool
    created_at: str
    def __init__(self, building_id: Id, *, type: str = "electricity", kind: str = "interval_energy",
                 unit: Optional[str] = None, interval_seconds: int = 900, max_value: Optional[float] = None,
                 register_max: Optional[float] = None, location: str = "", active: bool = True,
                 id: Optional[Id] = None, created_at: Instant = None) -> None: ...

class Store:
    @property
    def adapter(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *exc: Any) -> bool: ...
    def put_tenant(self, tenant: Tenant) -> None: ...
    def tenant(self, id: Id) -> Optional[Tenant]: ...
    def tenants(self) -> list[Tenant]: ...
    def put_building(self, building: Building) -> None: ...
    def building(self, id: Id) -> Optional[Building]: ...
    def buildings(self, tenant_id: Id) -> list[Building]: ...
    def put_sensor(self, sensor: Sensor) -> None: ...
    def sensor(self, id: Id) -> Optional[Sensor]: ...
    def sensors(self, building_id: Id) -> list[Sensor]: ...
    def count_readings(self) -> int: ...
    def read_readings(self, sensor_id: Id, start: Instant = None, end: Instant = None) -> dict[str, npt.NDArray[Any]]: ...
    def read_building_readings(self, building_id: Id, start: Instant = None, end: Instant = None) -> dict[str, Any]: ...
    def read_summaries(self, subject_id: Id, resolution: str = "day", start: Instant = None, end: Instant = None, *,
                       scope: str = "building", type: str = "electricity") -> dict[str, Any]: ...
    def iter_readings(self, sensor_id: Id, start: Instant = None, end: Instant = None, *,
                      chunk_rows: int = 65536) -> Iterator[dict[str, npt.NDArray[Any]]]: ...
    def iter_building_readings(self, building_id: Id, start: Instant = None, end: Instant = None, *,
                               chunk_rows: int = 65536) -> Iterator[dict[str, Any]]: ...
    def iter_summaries(self, subject_id: Id, resolution: str = "day", start: Instant = None, end: Instant = None, *,
                       scope: str = "building", type: str = "electricity",
                       chunk_rows: int = 65536) -> Iterator[dict[str, Any]]: ...
    def refresh_summaries(self, *, sensor_scope: Optional[bool] = None) -> dict[str, int]: ...
    def summary_settings(self) -> dict[str, Any]: ...
    def set_summary_settings(self, *, sensor_scope: bool) -> None: ...
    def rebuild_summaries(self, building_id: Id, start: Instant = None, end: Instant = None) -> dict[str, int]: ...
    def add_tariff_version(self, building_id: Id, urdb_json: str, *, effective: Union[str, datetime.date],
                           source: str = "", json_pointer: str = "", recorded_at: Instant = None) -> dict[str, Any]: ...
    def tariff_versions(self, building_id: Id) -> list[dict[str, Any]]: ...
    def tariff_in_effect(self, building_id: Id, on: Union[str, datetime.date]) -> Optional[UrdbTariff]: ...

def open_store(uri: str) -> Store: ...
def new_id() -> str: ...
def ingest(store: Store, sensor_id: Sequence[Id], ts: npt.NDArray[np.datetime64], value: npt.ArrayLike, *,
           quality: Optional[npt.ArrayLike] = None, source_row: Optional[npt.ArrayLike] = None,
           now: Instant = None, sensor_categories: Optional[Sequence[Id]] = None) -> dict[str, Any]: ...
def read_readings_file(path: str, format: str = "", sensor_id: Optional[Id] = None) -> dict[str, Any]: ...
def aggregate(buildings: Sequence[Building], sensors: Sequence[Sensor], sensor_id: Union[Sequence[Id], npt.ArrayLike],
              ts: npt.NDArray[np.datetime64], value_milli: Optional[npt.ArrayLike] = None, *,
              value: Optional[npt.ArrayLike] = None, sensor_scope: bool = False,
              sensor_categories: Optional[Sequence[Id]] = None, threads: int = 0) -> dict[str, dict[str, Any]]:
    """Local-time hourly/daily/monthly summaries. Pass value_milli (int64 Wh for kWh sensors) or
    value= (float64 canonical units). sensor_id: ids per row, or integer codes into
    sensor_categories. threads=0: one per core for large inputs (same result for any count).
    Rows repeating a (sensor, ts) count once, with the last row's value (the store's rule)."""
    ...
def summarize(files: Sequence[Union[str, "os.PathLike[str]"]], buildings: Sequence[Building],
              sensors: Sequence[Sensor], *, sensor_scope: bool = False,
              tariffs: Optional[dict[str, "Tariff"]] = None, now: Instant = None,
              future_tolerance_seconds: int = 300, sensor_id: Optional[Id] = None) -> dict[str, Any]:
    """Summaries of reading files (.csv streamed, .json batches) without a store: validated like an
    import, last write wins across rows and files. Returns {'hour', 'day', 'month', 'report'}."""
    ...

# --- baselines -------------------------------------------------------------------------------
Times = Any  # datetime64[ns] UTC numpy array, or tz-aware pandas DatetimeIndex / Series / DataFrame (its index)
Floats = npt.ArrayLike
Prediction = dict[str, npt.NDArray[np.float64]]  # expected, lower, upper

HOURS_PER_WEEK: int

def align_temperature(at: Times, temperature_ts: Times, temperature: Floats, *,
                      max_gap_seconds: int = 21600) -> npt.NDArray[np.float64]: ...
def time_of_week(ts: Times, zone: str) -> npt.NDArray[np.uint8]: ...

class TowtModel:
    zone: str
    interval_seconds: int
    knots: npt.NDArray[np.float64]
    occupied: npt.NDArray[np.uint8]
    tow_coefficients: npt.NDArray[np.float64]
    occupied_slopes: npt.NDArray[np.float64]
    unoccupied_slopes: npt.NDArray[np.float64]
    interval_level: float
    residual_lower: npt.NDArray[np.float64]
    residual_upper: npt.NDArray[np.float64]
    observations: int
    parameters: int
    rank_deficient: bool
    segments: int
    def predict(self, ts: Times, temperature: Floats) -> Prediction: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> TowtModel: ...
    @staticmethod
    def from_parameters(*, zone: str, knots: Floats, occupied: npt.ArrayLike, tow_coefficients: Floats,
                        occupied_slopes: Floats, unoccupied_slopes: Floats,
                        interval_seconds: int = 3600) -> TowtModel:
        """A model from its coefficients (168 flags/alphas, S slopes per mode); NaN intervals."""
        ...

def fit_towt(ts: Times, kwh: Floats, temperature: Floats, *, zone: str, interval_seconds: Optional[int] = None,
             temperature_segments: int = 6, occupied_threshold: float = 0.65, interval_level: float = 0.90,
             min_slot_residuals: int = 20, occupancy: str = "single_line",
             occupancy_hinges: Optional[Sequence[float]] = None, fixed_knots: Optional[Sequence[float]] = None,
             min_rows_beyond_outer_knot: int = 20,
             occupied_slots: Optional[npt.ArrayLike] = None) -> TowtModel:
    """occupancy: 'single_line' (default) or 'fixed_hinges' with occupancy_hinges=(50, 65) in the data's
    unit (the reference LBNL rule); fixed_knots=(40, 55, 65, 80, 90) (°F) the reference's knots;
    occupied_slots: 168 flags given instead of detected (occupancy='given').
    interval_seconds=86400: daily rows at local midnights."""
    ...
def fit_towt_many(jobs: Sequence[dict[str, Any]], *, threads: int = 0) -> list[TowtModel]: ...

class TowtBillingModel:
    """TOWT fitted to bills: `hourly` is the hourly model the bills imply (kWh per hour)."""
    hourly: TowtModel
    residual_sd: float
    r_squared: float
    adj_r_squared: float
    interval_level: float
    min_hour_coverage: float
    observations: int
    parameters: int
    def predict(self, start: Times, end: Times, temperature_ts: Times, temperature: Floats) -> Prediction: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> TowtBillingModel: ...

def fit_towt_billing(start: Times, end: Times, kwh: Floats, temperature_ts: Times, temperature: Floats, *,
                     zone: str, temperature_segments: int = 3, fixed_knots: Optional[Sequence[float]] = None,
                     min_hours_beyond_outer_knot: int = 20, occupied_slots: Optional[npt.ArrayLike] = None,
                     min_hour_coverage: float = 0.9, min_residual_degrees_of_freedom: int = 2,
                     interval_level: float = 0.90, max_gap_seconds: int = 21600) -> TowtBillingModel:
    """TOWT on bills [start, end) (whole hours) with hourly temperature samples: one intercept per
    occupancy mode (occupied_slots: 168 flags; None = one mode), weighted least squares on use per hour."""
    ...

class CaltrackHourlySegment:
    name: str
    occupied: npt.NDArray[np.uint8]
    occupied_bin_endpoints: npt.NDArray[np.float64]
    unoccupied_bin_endpoints: npt.NDArray[np.float64]
    tow_coefficients: npt.NDArray[np.float64]
    occupied_slopes: npt.NDArray[np.float64]
    unoccupied_slopes: npt.NDArray[np.float64]
    observations: int
    parameters: int
    rank_deficient: bool

class CaltrackHourlyModel:
    zone: str
    unit: str
    segmentation: str
    candidate_bin_endpoints: npt.NDArray[np.float64]
    segments: list[CaltrackHourlySegment]
    def predict(self, ts: Times, temperature: Floats) -> Prediction: ...
    def to_eemeter_json(self) -> str: ...

def fit_caltrack_hourly(ts: Times, kwh: Floats, temperature: Floats, *, zone: str, unit: str,
                        segmentation: str = "three_month_weighted", neighbour_month_weight: float = 0.5,
                        occupancy_cooling_balance_point: float = 65, occupancy_heating_balance_point: float = 50,
                        occupancy_threshold: float = 0.65,
                        bin_endpoints: Sequence[float] = (30, 45, 55, 65, 75, 90), min_bin_count: int = 20,
                        max_baseline_days: float = 365, min_baseline_days: float = 365,
                        min_month_coverage: float = 0.9) -> CaltrackHourlyModel:
    """CalTRACK 2.0 hourly; unit 'fahrenheit' or 'celsius' is required (constants are °F)."""
    ...
def load_caltrack_hourly_model(json: str, *, zone: str, unit: str) -> CaltrackHourlyModel: ...
def load_caltrack_daily_model(json: str, *, zone: str) -> ChangepointModel: ...

class EemeterDailySubmodel:
    split: str  # eemeter's key, e.g. "wd-su_sh_wi"
    form: str  # tidd, hdd_tidd, tidd_cdd, hdd_tidd_smooth, tidd_cdd_smooth, hdd_tidd_cdd, hdd_tidd_cdd_smooth
    seasons: list[str]  # summer, shoulder, winter
    days: list[bool]  # Monday ... Sunday
    intercept: float
    hdd_bp: float
    hdd_beta: float
    hdd_k: float
    cdd_bp: float
    cdd_beta: float
    cdd_k: float
    t_min: float
    t_max: float
    t_min_seg: float
    t_max_seg: float
    f_unc: float
    def evaluate(self, temperature_f: Floats) -> npt.NDArray[np.float64]: ...

class EemeterDailyModel:
    zone: str
    unit: str
    month_seasons: list[str]  # January ... December
    weekend: list[bool]  # Monday ... Sunday
    submodels: list[EemeterDailySubmodel]
    min_samples_per_day: int
    disqualification: list[str]
    def predict(self, start: Times, end: Times, temperature_ts: Times, temperature: Floats) -> Prediction: ...
    def predict_daily_means(self, ts: Times, temperature: Floats) -> Prediction: ...

def load_eemeter_daily_model(json: str, *, zone: str, unit: str) -> EemeterDailyModel: ...

class EemeterHourlyModel:
    zone: str
    unit: str
    scaling_method: str  # standardscaler or robustscaler
    temperature_mean: float
    temperature_scale: float
    observed_mean: float
    observed_scale: float
    bin_edges: list[float]  # °F, -inf ... inf
    edge_bins: bool
    cluster_count: int
    day_clusters: list[list[int]]  # [month January..December][weekday Monday..Sunday], -1 none
    feature_names: list[str]  # coefficient order; each *_ts name is 24 hourly columns
    coefficients: list[list[float]]  # 24 rows
    intercept: list[float]  # 24
    disqualification: list[str]
    def predict(self, ts: Times, temperature: Floats) -> Prediction: ...

def load_eemeter_hourly_model(json: str, *, zone: str, unit: str) -> EemeterHourlyModel: ...

class SeasonalModel:
    zone: str
    interval_seconds: int
    profile: npt.NDArray[np.float64]
    month_offsets: npt.NDArray[np.float64]
    observations: int
    parameters: int
    def predict(self, ts: Times) -> Prediction: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> SeasonalModel: ...

def fit_seasonal(ts: Times, kwh: Floats, *, zone: str, interval_seconds: Optional[int] = None,
                 interval_level: float = 0.90) -> SeasonalModel: ...

class ChangepointModel:
    kind: str  # intercept_only, heating_only, cooling_only, heating_cooling
    zone: str
    base_load: float
    heating_slope: float
    heating_balance_point: float
    cooling_slope: float
    cooling_balance_point: float
    heating_p_value: float
    cooling_p_value: float
    r_squared: float
    adj_r_squared: float
    residual_sd: float
    observations: int
    parameters: int
    temperatures: str  # samples, daily_means, period_means
    day_pairing: str  # local, utc
    def predict(self, start: Times, end: Times, temperature_ts: Optional[Times] = None,
                temperature: Optional[Floats] = None, *, period_temperature: Optional[Floats] = None) -> Prediction: ...
    @staticmethod
    def from_parameters(*, zone: str, base_load: float, heating_slope: float = 0.0,
                        heating_balance_point: float = math.nan, cooling_slope: float = 0.0,
                        cooling_balance_point: float = math.nan, residual_sd: float = math.nan,
                        interval_level: float = 0.90, temperatures: str = "samples", day_pairing: str = "local",
                        min_samples_per_day: int = 12, min_day_coverage: float = 0.9) -> ChangepointModel: ...
    def weather(self, temperature_ts: Times, temperature: Floats, unit: str = "F", start: Optional[Times] = None,
                end: Optional[Times] = None, kwh: Optional[Floats] = None) -> dict[str, Any]:
        """The `weather=` input of `recommend` (degF units): annual degree-days and the local daily means; with the
        usage periods (start, end, kwh) also `fit`, the quality check the weather rules require."""
        ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(json: str) -> ChangepointModel: ...

def local_day_totals(ts: Times, kwh: Floats, *, zone: str, interval_seconds: Optional[int] = None) -> dict[str, Any]: ...
def fit_changepoint(start: Times, end: Times, kwh: Floats, temperature_ts: Optional[Times] = None,
                    temperature: Optional[Floats] = None, *, zone: str, celsius: bool = False,
                    max_p_value: Optional[float] = None, balance_min: Optional[float] = None,
                    balance_max: Optional[float] = None, balance_step: Optional[float] = None,
                    temperatures: Optional[str] = None, day_pairing: str = "local",
                    heating_balance_points: Optional[Sequence[float]] = None,
                    cooling_balance_points: Optional[Sequence[float]] = None,
                    kinds: Optional[Sequence[str]] = None, min_days_with_degree_days: Optional[int] = None,
                    min_total_degree_days: Optional[float] = None, min_samples_per_day: Optional[int] = None,
                    min_day_coverage: Optional[float] = None, interval_level: Optional[float] = None,
                    period_temperature: Optional[Floats] = None,
                    candidates: bool = False) -> Any:
    """ChangepointModel, or (model, candidate columns) with candidates=True."""
    ...
def changepoint_balance_points(*, celsius: bool = False, balance_min: Optional[float] = None,
                               balance_max: Optional[float] = None,
                               balance_step: Optional[float] = None) -> npt.NDArray[np.float64]: ...

class FitMetrics:
    n: int
    parameters: int
    mean_actual: float
    cv_rmse: float
    nmbe: float
    r_squared: float
    mape: float
    def passes_guideline14(self, resolution: str = "hourly") -> bool: ...

def compute_metrics(actual: Floats, predicted: Floats, parameters: int = 0) -> FitMetrics: ...
def savings_uncertainty(*, cv_rmse: float, baseline_points: int, parameters: int, reporting_points: int,
                        autocorrelation: float = 0.0, confidence: float = 0.90, factor: float = 1.26,
                        savings_fraction: Optional[float] = None,
                        target_uncertainty: Optional[float] = None) -> dict[str, float]:
    """ASHRAE Guideline 14 fractional savings uncertainty with n' = n(1-rho)/(1+rho)."""
    ...
def lag1_autocorrelation(residuals: Floats) -> float: ...

# --- anomalies -------------------------------------------------------------------------------
Anomalies = dict[str, Any]  # start, end, kind, severity, score, expected_milli, actual_milli, explanation, ...

def detect_data_quality(building_id: Id, ts: Times, value_milli: npt.ArrayLike, *, interval_seconds: Optional[int] = None,
                        sensor_id: Optional[Id] = None, quality: Optional[npt.ArrayLike] = None, unit: str = "kWh",
                        zone: Optional[str] = None, max_value_milli: Optional[int] = None,
                        expected_start: Instant = None, expected_end: Instant = None,
                        flatline_min_intervals: int = ..., spike_z: float = ...,
                        spike_level_z: float = ...) -> Anomalies: ...
def detect_baseline_deviation(building_id: Id, ts: Times, value_milli: npt.ArrayLike, *, expected_kwh: Floats,
                              zone: str, interval_seconds: Optional[int] = None, sensor_id: Optional[Id] = None,
                              unit: str = "kWh", method: str = "cusum", block_seconds: int = 7200,
                              log_floor_fraction: float = 0.25, scale_window_seconds: int = 172800,
                              scale_radius_seconds: int = 4838400,
                              cusum_k: float = 1.5, cusum_h: float = 24.0, cusum_cap: float = 3.0,
                              z_threshold: float = 2.0, smoothing_seconds: int = 86400,
                              min_duration_seconds: int = 129600,
                              min_relative_deviation: float = 0.15) -> Anomalies: ...
def detect_threshold(building_id: Id, ts: Times, value_milli: npt.ArrayLike, *, threshold_milli: int,
                     window: str = "hour", zone: str, interval_seconds: Optional[int] = None,
                     sensor_id: Optional[Id] = None) -> Anomalies: ...

class OperatingSchedule:
    days: list[tuple[bool, int, int]]
    unoccupied_level: float
    occupied_level: float
    detected: bool
    status: str
    reason: str
    occupied_hours_per_week: int
    def occupied(self, hour_of_week: int) -> bool: ...

def detect_schedule(building_id: Id, ts: Times, value_milli: npt.ArrayLike, *, zone: str,
                    interval_seconds: Optional[int] = None, min_peak_to_base: float = 1.6,
                    min_consistent_weeks: float = 0.75,
                    max_unoccupied_variation: float = 0.35,
                    min_week_agreement: float = 0.8) -> OperatingSchedule: ...
def detect_after_hours(building_id: Id, ts: Times, value_milli: npt.ArrayLike, schedule: OperatingSchedule, *,
                       zone: str, interval_seconds: Optional[int] = None, sensor_id: Optional[Id] = None,
                       z_threshold: float = 4.0, min_ratio: float = 2.0,
                       min_duration_seconds: int = 3600) -> Anomalies: ...
def detect_register_resets(building_id: Id, ts: Times, register_values: Floats, *, sensor_id: Optional[Id] = None,
                           register_max: Optional[float] = None) -> Anomalies: ...

# --- billing (money as exact decimal str) ------------------------------------------------------
Money = Union[str, Decimal]

class Tariff:
    name: str
    utility: str
    label: str
    fixed_charge: str
    minimum_charge: str
    demand_window_minutes: int
    energy_period_prices: list[list[str]]
    unapplied: list[str]
    fixed_charge_micros: int
    fixed_charge_unit: str
    minimum_charge_micros: int
    minimum_charge_unit: str
    tiers: dict[str, Any]
    schedules: dict[str, npt.NDArray[np.uint8]]
    coincident_peaks: list[dict[str, Any]]
    def with_coincident_peak(self, name: str, peak_starts: list[Instant], price_per_kw: Union[str, Decimal],
                             window_seconds: int = 3600) -> Tariff: ...
    def validate(self) -> None: ...

class UrdbTariff:
    tariff: Tariff
    unsupported: list[str]
    informational: list[str]
    complete: bool

def flat_energy_tariff(price_per_kwh: Money) -> Tariff: ...
def read_urdb(json: str, source: str = "<urdb>", json_pointer: str = "") -> UrdbTariff: ...
def read_urdb_file(path: str, json_pointer: str = "") -> UrdbTariff: ...

class Bill:
    start: str
    end: str
    total: str
    energy_milli: int
    peak_demand_milli: int
    peak_at: Optional[str]
    demand_window_seconds: int
    intervals: int
    coverage_seconds: int
    coverage: float
    notes: list[str]
    unapplied: list[str]
    lines: dict[str, Any]
    def to_json(self, indent: int = 2) -> str: ...

def compute_bill(ts: Times, energy_milli: npt.ArrayLike, tariff: Tariff, *, zone: str, start: Instant, end: Instant,
                 interval_seconds: int = 0, quality: Optional[npt.ArrayLike] = None,
                 prorate_monthly_charges: bool = False, meters: int = 1, energy_per_wh: int = 1) -> Bill: ...
def compute_monthly_bills(ts: Times, energy_milli: npt.ArrayLike, tariff: Tariff, *, zone: str, start: Instant,
                          end: Instant, interval_seconds: int = 0, quality: Optional[npt.ArrayLike] = None,
                          meters: int = 1, energy_per_wh: int = 1) -> list[Bill]: ...
def compute_cycle_bills(ts: Times, energy_milli: npt.ArrayLike, tariff: Tariff, *, zone: str, reads: list[Instant],
                        interval_seconds: int = 0, quality: Optional[npt.ArrayLike] = None,
                        prorate_monthly_charges: bool = False, meters: int = 1) -> list[Bill]: ...
def peak_demand(ts: Times, energy_milli: npt.ArrayLike, *, start: Instant, end: Instant, window_seconds: int,
                interval_seconds: int = 0) -> Optional[tuple[int, str]]: ...

class UtilityBill:
    def __init__(self, start: Instant, end: Instant, consumption_milli: int, amount: Optional[Money], *,
                 peak_demand_milli: Optional[int] = None, estimated: bool = False, id: str = "",
                 source: str = "python") -> None: ...
    id: str
    start: str
    end: str
    consumption_milli: int
    peak_demand_milli: Optional[int]
    demand_interval_seconds: Optional[int]
    amount: str
    estimated: bool
    source: str
    amount_stated: bool
    consumption_stated: bool

def read_bills_csv(path: str, *, zone: Optional[str] = None, end: str = "exclusive") -> tuple[list[UtilityBill], list[str]]: ...
def parse_bills_csv(text: str, source: str = "<bills>", *, zone: Optional[str] = None,
                    end: str = "exclusive") -> tuple[list[UtilityBill], list[str]]: ...

class ReconciliationReport:
    tariff_name: str
    zone: str
    demand_window_seconds: int
    flagged: int
    checks: dict[str, Any]
    def to_json(self, indent: int = 2) -> str: ...
    def to_csv(self) -> str: ...

def reconcile(bills: Sequence[UtilityBill], ts: Times, energy_milli: npt.ArrayLike, tariff: Tariff, *, zone: str,
              interval_seconds: int = 0, quality: Optional[npt.ArrayLike] = None, energy_rel: float = 0.01,
              demand_rel: float = 0.02, cost_rel: float = 0.01, rate_rel: float = 0.02,
              cost_abs: Optional[Money] = None,
              demand_intervals: Optional[Sequence[int]] = None) -> ReconciliationReport: ...

# --- Green Button (present when energy::greenbutton is built) ---------------------------------
def read_greenbutton(path: str) -> dict[str, Any]: ...
def parse_greenbutton(xml: str, source: str = "<greenbutton>") -> dict[str, Any]: ...

# --- recommendations -----------------------------------------------------------------------------
def recommend(building_id: Id, ts: Times, value_milli: npt.ArrayLike, *, zone: str, interval_seconds: Optional[int] = None,
              floor_area_ft2: Optional[float] = None, primary_use: str = "", energy_price: Optional[Money] = None,
              demand_price: Optional[Money] = None, weather: Optional[dict[str, Any]] = None,
              schedule: Optional[OperatingSchedule] = None, tariff: Optional[Tariff] = None) -> list[dict[str, Any]]: ...
def analyse_recommendations(building_id: Id, ts: Times, value_milli: npt.ArrayLike, *, zone: str,
              interval_seconds: Optional[int] = None, floor_area_ft2: Optional[float] = None, primary_use: str = "",
              energy_price: Optional[Money] = None, demand_price: Optional[Money] = None,
              weather: Optional[dict[str, Any]] = None, schedule: Optional[OperatingSchedule] = None,
              tariff: Optional[Tariff] = None) -> dict[str, Any]: ...
def find_eui_benchmark(primary_use: str) -> Optional[dict[str, Any]]: ...
