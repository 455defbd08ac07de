// The consumption chart of a building (uPlot): one point per local bucket at its UTC start, axis
// labels in the building's zone, the baseline's uncertainty band behind the actuals, anomalies
// marked, zoom by dragging or by the buttons/keyboard (each step timed with performance marks).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const palette = {
  // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
  actual: '#0072B2',
  band: 'rgba(230, 159, 0, 0.25)',
  expected: '#E69F00',
  anomaly: '#D55E00',
};

export interface ChartInput {
  zone: string;
  xs: number[]; // UTC seconds of each bucket's start
  kwh: Array<number | null>;
  expected?: Array<number | null>;
  lower?: Array<number | null>;
  upper?: Array<number | null>;
  anomalies?: Array<number | null>; // kWh at anomalous buckets, null elsewhere
  onRange?: (min: number, max: number) => void;
  /** Called once, when the chart has first been drawn (the page's first meaningful paint). */
  onFirstDraw?: () => void;
}

export interface EnergyChart {
  plot: uPlot;
  zoom(factor: number): void;
  pan(fraction: number): void;
  reset(): void;
  destroy(): void;
}

let zoomStep = 0;

export function energyChart(host: HTMLElement, chartInput: ChartInput): EnergyChart {
  let input = chartInput;
  const width = Math.max(320, host.clientWidth || 900);
  const series: uPlot.Series[] = [
    {},
    { label: 'Consumption (kWh)', stroke: palette.actual, width: 1.5, spanGaps: false, points: { show: false } },
  ];
  const data: uPlot.AlignedData = [input.xs, input.kwh] as uPlot.AlignedData;
  const bands: uPlot.Band[] = [];
  if (input.expected && input.lower && input.upper) {
    series.push(
      { label: 'Baseline expected (kWh)', stroke: palette.expected, width: 1, dash: [6, 4], points: { show: false } },
      { label: 'Band lower', stroke: palette.expected, width: 0, points: { show: false } },
      { label: 'Band upper', stroke: palette.expected, width: 0, points: { show: false } },
    );
    (data as unknown as unknown[]).push(input.expected, input.lower, input.upper);
    bands.push({ series: [4, 3], fill: palette.band });
  }
  if (input.anomalies) {
    series.push({
      label: 'Anomaly',
      stroke: palette.anomaly,
      width: 0,
      paths: () => null,
      points: { show: true, size: 9, fill: palette.anomaly, stroke: '#000', width: 1 },
    });
    (data as unknown as unknown[]).push(input.anomalies);
  }
  let full: [number, number] | null = input.xs.length ? [input.xs[0], input.xs[input.xs.length - 1]] : null;
  const opts: uPlot.Options = {
    width,
    height: 320,
    series,
    bands,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), input.zone),
    scales: { x: { time: true } },
    axes: [{ stroke: '#222' }, { stroke: '#222', label: 'kWh', size: 60 }],
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    hooks: {
      draw: [
        () => {
          if (input.onFirstDraw) {
            input.onFirstDraw();
            input = { ...input, onFirstDraw: undefined };
          }
          if (zoomStep > 0) {
            performance.mark(`zoom-end-${zoomStep}`);
            performance.measure('zoom-step', `zoom-start-${zoomStep}`, `zoom-end-${zoomStep}`);
            zoomStep = -zoomStep;
          }
        },
      ],
      setScale: [
        (u, key) => {
          if (key === 'x' && input.onRange) input.onRange(u.scales.x.min ?? 0, u.scales.x.max ?? 0);
        },
      ],
    },
  };
  const plot = new uPlot(opts, data, host);
  (host as unknown as { uplot: uPlot }).uplot = plot;
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, host.clientWidth), height: 320 }));
  resize.observe(host);

  const setX = (min: number, max: number) => {
    zoomStep = Math.abs(zoomStep) + 1;
    performance.mark(`zoom-start-${zoomStep}`);
    plot.setScale('x', { min, max });
  };
  return {
    plot,
    zoom(factor) {
      if (!full) return;
      const min = plot.scales.x.min ?? full[0];
      const max = plot.scales.x.max ?? full[1];
      const mid = (min + max) / 2;
      const half = Math.max(3600 * 6, ((max - min) * factor) / 2);
      setX(Math.max(full[0], mid - half), Math.min(full[1], mid + half));
    },
    pan(fraction) {
      if (!full) return;
      const min = plot.scales.x.min ?? full[0];
      const max = plot.scales.x.max ?? full[1];
      const span = max - min;
      let lo = min + span * fraction;
      lo = Math.min(Math.max(full[0], lo), full[1] - span);
      setX(lo, lo + span);
    },
    reset() {
      if (full) setX(full[0], full[1]);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
      full = null;
    },
  };
}
