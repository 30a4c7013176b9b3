// A time-series chart drawn by uPlot from a LiveSeries; redraws at most every 100 ms however many live
// readings arrive, so a busy feed costs one redraw per frame, not one per reading.
import uPlot from 'uplot';
import { el } from './dom.js';
import type { LiveSeries } from './live-series.js';
import type { TimeRange } from './widget-view.js';

const palette = ['#2f6fdf', '#e0702a', '#1a9a5a', '#b2369b', '#8a6d1f', '#1e97a8', '#c4314b', '#5a5fcf'];
const redrawDelayMs = 100;
const wholeNumberSteps = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 100_000, 1_000_000,
];

export class SeriesChart {
  private plot: uPlot | undefined;
  private series: LiveSeries | undefined;
  private range: TimeRange = { fromMs: 0, toMs: 0 };
  private redrawScheduled = false;
  private readonly summary: HTMLElement;

  constructor(private readonly container: HTMLElement) {
    this.summary = el('p', '', 'chart-summary');
    container.append(this.summary);
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(container);
  }

  /** Draws `series` over at least `range`, so a sparse series still shows where in the range it falls. */
  show(series: LiveSeries, range: TimeRange): void {
    this.series = series;
    this.range = range;
    this.plot?.destroy();
    // Counts are whole numbers: no ticks at 0.25.
    const counts = series.lines.length > 0 && series.lines.every((line) => line.aggregation === 'count');
    this.plot = new uPlot(
      {
        ...this.size(),
        ms: 1,
        // UTC, like every time in the page's tables.
        tzDate: (ms) => uPlot.tzDate(new Date(ms), 'Etc/UTC'),
        scales: {
          x: {
            time: true,
            // uPlot passes null bounds while there is no data.
            range: (_plot, min: number | null, max: number | null) => [
              Math.min(min ?? this.range.fromMs, this.range.fromMs),
              Math.max(max ?? this.range.toMs, this.range.toMs),
            ],
          },
        },
        cursor: { drag: { x: false, y: false } },
        legend: { live: false },
        series: [
          {},
          ...series.lines.map((line, index) => ({
            label: line.label,
            stroke: palette[index % palette.length]!,
            width: 1.5,
            spanGaps: false,
            points: { show: series.times.length < 60 },
          })),
        ],
        axes: [{}, counts ? { size: 56, incrs: wholeNumberSteps } : { size: 56 }],
      },
      series.alignedData(),
      this.container,
    );
    this.describe();
  }

  /** Call after the LiveSeries changed. A new line needs a new legend, so it rebuilds the chart. */
  changed(): void {
    if (this.redrawScheduled) return;
    this.redrawScheduled = true;
    setTimeout(() => {
      this.redrawScheduled = false;
      const { plot, series } = this;
      if (!plot || !series) return;
      if (plot.series.length - 1 !== series.lines.length) this.show(series, this.range);
      else plot.setData(series.alignedData());
      this.describe();
    }, redrawDelayMs);
  }

  private describe(): void {
    const series = this.series;
    if (!series) return;
    const points = series.times.length;
    this.summary.textContent =
      points === 0
        ? 'Nothing in this range yet.'
        : `${plural(points, 'point')} of ${formatDuration(series.bucketMs)}, ${plural(series.lines.length, 'line')}`;
    // What the canvas shows, readable by tests and assistive tools: readings per line.
    const readingsPerLine = series.lines.map((line) => [
      line.label,
      line.readings.reduce((sum: number, n) => sum + (n ?? 0), 0),
    ]);
    this.container.dataset['points'] = String(points);
    this.container.dataset['readings'] = JSON.stringify(Object.fromEntries(readingsPerLine));
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.container.clientWidth - 8), height: 220 };
  }
}

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
