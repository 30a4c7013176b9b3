// The metrics a simulated environment sensor reports unless the caller names its own: the same two the
// fleet simulator has always sent, now with every anomaly kind injected at a rate a detector can be
// scored on in an hour's run.
import type { SignalSpecInput } from './signal-spec.js';

const minuteMs = 60_000;

export const defaultSensorMetrics: Readonly<Record<string, SignalSpecInput>> = {
  temperature: {
    base: 21,
    seasonality: { amplitude: 3, peakHourUtc: 15 },
    noiseSd: 0.2,
    driftSdPerSqrtHour: 0.05,
    anomalies: {
      spikes: { perHour: 0.5, magnitudeSd: 8 },
      steps: { perHour: 0.05, magnitudeSd: 10, labelledForMs: 10 * minuteMs },
      drifts: { perHour: 0.05, magnitudeSd: 12, durationMs: 30 * minuteMs },
    },
  },
  humidity: {
    base: 45,
    seasonality: { amplitude: 5, peakHourUtc: 3 },
    noiseSd: 0.5,
    driftSdPerSqrtHour: 0.1,
    anomalies: {
      spikes: { perHour: 0.2, magnitudeSd: 8 },
      steps: { perHour: 0.02, magnitudeSd: 10, labelledForMs: 10 * minuteMs },
    },
  },
};
