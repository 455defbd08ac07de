// The load-profile heat map: local hour of day (rows) × local day (columns), from hourly buckets.
// Colours are a perceptually ordered, colour-blind-safe sequential scale (viridis stops).
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

export interface HourBucket {
  timestamp: string; // local start with offset, e.g. 2026-11-01T01:00:00-06:00
  kwh: number | null;
}

export interface HeatmapResult {
  days: string[];
  max: number;
  repeated: number; // cells holding two hours (the 25-hour day's repeated hour)
  skipped: number; // cells of an hour that does not exist (the 23-hour day)
}

export function drawHeatmap(canvas: HTMLCanvasElement, buckets: HourBucket[]): HeatmapResult {
  const days: string[] = [];
  const index = new Map<string, number>();
  const cells = new Map<string, { sum: number; n: number }>();
  for (const b of buckets) {
    const day = b.timestamp.slice(0, 10);
    const hour = Number(b.timestamp.slice(11, 13));
    if (!index.has(day)) {
      index.set(day, days.length);
      days.push(day);
    }
    if (b.kwh === null) continue;
    const key = `${day}|${hour}`;
    const c = cells.get(key) ?? { sum: 0, n: 0 };
    c.sum += b.kwh;
    c.n += 1;
    cells.set(key, c);
  }
  let max = 0;
  let repeated = 0;
  for (const c of cells.values()) {
    max = Math.max(max, c.sum);
    if (c.n > 1) repeated++;
  }
  const cellW = Math.max(2, Math.min(12, Math.floor(1100 / Math.max(1, days.length))));
  const cellH = 10;
  const left = 36;
  canvas.width = left + cellW * days.length + 4;
  canvas.height = cellH * 24 + 20;
  const g = canvas.getContext('2d');
  let skipped = 0;
  if (!g) return { days, max, repeated, skipped };
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#222';
  g.font = '10px sans-serif';
  for (let hr = 0; hr < 24; hr += 3) g.fillText(`${String(hr).padStart(2, '0')}h`, 2, hr * cellH + 9);
  days.forEach((day, x) => {
    for (let hr = 0; hr < 24; hr++) {
      const c = cells.get(`${day}|${hr}`);
      const px = left + x * cellW;
      const py = hr * cellH;
      if (!c) {
        // No reading for that hour (or the hour does not exist): hatched, never coloured as zero.
        g.fillStyle = '#ddd';
        g.fillRect(px, py, cellW, cellH);
        g.strokeStyle = '#999';
        g.beginPath();
        g.moveTo(px, py + cellH);
        g.lineTo(px + cellW, py);
        g.stroke();
        skipped++;
        continue;
      }
      const t = max > 0 ? c.sum / max : 0;
      g.fillStyle = VIRIDIS[Math.min(VIRIDIS.length - 1, Math.floor(t * VIRIDIS.length))];
      g.fillRect(px, py, cellW, cellH);
      if (c.n > 1) {
        g.strokeStyle = '#fff';
        g.strokeRect(px + 0.5, py + 0.5, cellW - 1, cellH - 1);
      }
    }
  });
  return { days, max, repeated, skipped };
}

export function heatmapLegend(): string[] {
  return VIRIDIS;
}
