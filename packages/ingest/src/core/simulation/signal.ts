// One (device, metric) signal: trend + daily seasonality + gaussian noise + random-walk drift, with
// injected anomalies that every point labels. An iterator over time rather than a function of ts alone,
// because the random walk and a persisting step are state; the same spec, seed and sequence of times
// always give the same points.
import { gaussianRandomOf, seedOf, uniformRandomOf } from './seeded-random.js';
import { parseSignalSpec, type SignalSpec, type SignalSpecInput } from './signal-spec.js';
import { SignalTimeOrderError } from './simulation-errors.js';

export type AnomalyKind = 'spike' | 'step' | 'drift';

/** The injected anomaly a point lies in; every point of one anomaly shares the same object. */
export interface InjectedAnomaly {
  readonly kind: AnomalyKind;
  readonly startedAt: number;
}

export interface SignalPoint {
  readonly ts: number;
  readonly value: number;
  readonly anomaly: InjectedAnomaly | null;
}

export interface Signal {
  /** The point at `ts`; times must not decrease from one call to the next. */
  next(ts: number): SignalPoint;
}

const hourMs = 3_600_000;
const dayMs = 86_400_000;

/** An anomaly whose window is still open: a step (labelled for a while) or a drift episode (ramping). */
interface OpenAnomaly {
  readonly label: InjectedAnomaly;
  readonly endsAt: number;
  /** The level change it brings by its end (a step brings it at once). */
  readonly shift: number;
}

export function signalOf(specInput: SignalSpecInput, seed: number): Signal {
  const spec = parseSignalSpec(specInput);
  // One stream per component, so switching anomalies off leaves the noise and drift of a seed unchanged.
  const noise = gaussianRandomOf(uniformRandomOf(seedOf(seed, 'noise')));
  const walkStep = gaussianRandomOf(uniformRandomOf(seedOf(seed, 'drift')));
  const anomalyDraw = uniformRandomOf(seedOf(seed, 'anomalies'));
  const startAnomaly = anomalyStarterOf(spec, anomalyDraw);
  const radiansPerMs = (2 * Math.PI) / dayMs;
  const peakMs = (spec.seasonality?.peakHourUtc ?? 0) * hourMs;
  const amplitude = spec.seasonality?.amplitude ?? 0;

  let firstTs: number | undefined;
  let previousTs = 0;
  let walk = 0;
  let persistedShift = 0;
  let open: OpenAnomaly | undefined;

  return {
    next(ts) {
      if (firstTs === undefined) firstTs = previousTs = ts;
      if (ts < previousTs) throw new SignalTimeOrderError(ts, previousTs);
      const elapsedHours = (ts - previousTs) / hourMs;
      previousTs = ts;
      if (spec.driftSdPerSqrtHour > 0 && elapsedHours > 0) {
        walk += spec.driftSdPerSqrtHour * Math.sqrt(elapsedHours) * walkStep();
      }
      if (open && ts >= open.endsAt) {
        persistedShift += open.shift;
        open = undefined;
      }
      let spike = 0;
      let label: InjectedAnomaly | null = null;
      if (open) {
        label = open.label;
      } else if (elapsedHours > 0) {
        const started = startAnomaly(ts, elapsedHours);
        if (started?.kind === 'spike') spike = started.shift;
        else if (started)
          open = { label: started.label, endsAt: ts + started.durationMs, shift: started.shift };
        label = started?.label ?? null;
      }
      let openShift = 0;
      if (open) {
        openShift =
          open.label.kind === 'step'
            ? open.shift
            : (open.shift * (ts - open.label.startedAt)) / (open.endsAt - open.label.startedAt);
      }
      const value =
        spec.base +
        (spec.trendPerHour * (ts - firstTs)) / hourMs +
        (amplitude === 0 ? 0 : amplitude * Math.cos(radiansPerMs * (ts - peakMs))) +
        (spec.noiseSd === 0 ? 0 : spec.noiseSd * noise()) +
        walk +
        persistedShift +
        openShift +
        spike;
      return { ts, value, anomaly: label };
    },
  };
}

interface StartedAnomaly {
  readonly kind: AnomalyKind;
  readonly label: InjectedAnomaly;
  /** Signed level change (a spike's height, a step's shift, a drift episode's total ramp). */
  readonly shift: number;
  readonly durationMs: number;
}

/**
 * Decides, for a point `elapsedHours` after the previous one, whether an anomaly starts there: each kind
 * arrives as a Poisson process at its `perHour` rate, and only one anomaly is open at a time, so labelled
 * windows never overlap (as NAB requires of its windows).
 */
function anomalyStarterOf(
  spec: SignalSpec,
  draw: () => number,
): (ts: number, elapsedHours: number) => StartedAnomaly | undefined {
  const { spikes, steps, drifts } = spec.anomalies;
  const spikeRate = spikes?.perHour ?? 0;
  const stepRate = steps?.perHour ?? 0;
  const driftRate = drifts?.perHour ?? 0;
  if (spikeRate + stepRate + driftRate === 0) return () => undefined;
  return (ts, elapsedHours) => {
    const u = draw();
    // For the short gaps between readings, rate × gap is the chance of an arrival in the gap.
    const spikeChance = spikeRate * elapsedHours;
    const stepChance = spikeChance + stepRate * elapsedHours;
    const driftChance = stepChance + driftRate * elapsedHours;
    if (u >= driftChance) return undefined;
    const sign = draw() < 0.5 ? -1 : 1;
    const started = (kind: AnomalyKind, magnitudeSd: number, durationMs: number): StartedAnomaly => ({
      kind,
      label: { kind, startedAt: ts },
      shift: sign * magnitudeSd * spec.noiseSd,
      durationMs,
    });
    if (spikes && u < spikeChance) return started('spike', spikes.magnitudeSd, 0);
    if (steps && u < stepChance) return started('step', steps.magnitudeSd, steps.labelledForMs);
    if (drifts) return started('drift', drifts.magnitudeSd, drifts.durationMs);
    return undefined;
  };
}
