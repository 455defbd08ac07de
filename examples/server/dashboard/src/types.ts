// Shapes of the API's answers the pages read (see GET /api/v1/openapi.json).

export type Resolution = 'hour' | 'day' | 'month';

export interface Building {
  id: string;
  name: string;
  time_zone: string;
  square_footage: number | null;
  primary_use?: string;
  is_active: boolean;
  sensor_count?: number;
}

export interface Bucket {
  timestamp: string;
  start: string;
  end: string;
  hours: number;
  consumption_kwh: number | null;
  consumption_kwh_exact: string | null;
  peak_kw: number | null;
  peak_kw_exact: string | null;
  cost: string | null;
  reading_count: number;
  expected_readings: number;
  coverage: number | null;
  quality: 'complete' | 'partial' | 'missing' | 'no_sensors';
}

export interface EnergySeries {
  building_id: string;
  time_zone: string;
  resolution: string;
  readings: Bucket[];
  stale: boolean | null;
}

export interface Alert {
  id: string;
  building_id: string;
  config_id: string;
  condition: string;
  state: 'open' | 'acknowledged' | 'resolved';
  severity: string;
  summary: string;
  opened_at: string;
  last_seen_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  ack_comment: string | null;
  resolved_at: string | null;
}

export interface AlertConfig {
  id: string;
  building_id: string;
  name: string;
  threshold_kwh: string | null;
  window: string;
  peak_kw: string | null;
  data_gap_minutes: number | null;
  flatline_minutes: number | null;
  baseline_deviation_percent: number | null;
  notification_emails: string[];
  webhook_url: string | null;
  is_enabled: boolean;
}

export interface LatestReadings {
  as_of: string;
  window_hours: number;
  sensors: Array<{
    sensor_id: string;
    location: string;
    type: string;
    canonical_unit: string;
    interval_seconds: number;
    is_active: boolean;
    last_reading_at: string | null;
    value_exact: string | null;
  }>;
}
