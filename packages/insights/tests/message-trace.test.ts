// A message's trace, assembled from the rows each lake table holds for its correlation id.
import { describe, expect, it } from 'vitest';
import { assembleTrace, type QueryResult } from '../src/core/index.js';

const result = (rows: Record<string, unknown>[]): QueryResult => ({
  columns: [],
  rows,
  truncated: false,
  elapsedMs: 1,
});
const none = result([]);

describe('assembleTrace', () => {
  it('follows an enriched, scored reading and the anomaly it raised, in data-path order', () => {
    const trace = assembleTrace('c-1', {
      telemetry: result([
        {
          thing_name: 'pump-7',
          metric: 'temperature',
          value: 88.1,
          received_at: '2026-11-25T05:00:00.000Z',
          thing_type: 'pump',
          site: 'plant-a',
          anomaly_score: 0.97,
          device_time: '2026-11-25T04:59:59.000Z',
        },
      ]),
      anomalies: result([{ metric: 'temperature', state: 'raised', score: 0.97, detector: 'ewma-zscore' }]),
      quarantine: none,
    });
    expect(trace.found).toBe(true);
    expect(trace.steps.map((s) => s.split(/\s+/)[0])).toEqual(['ingest', 'transform', 'store', 'transform']);
    expect(trace.steps[2]).toContain('temperature = 88.1 (anomaly score 0.97)');
    expect(trace.steps[3]).toContain('anomaly raised on temperature');
  });

  it('shows why a message was quarantined', () => {
    const trace = assembleTrace('c-2', {
      telemetry: none,
      anomalies: none,
      quarantine: result([
        {
          stage: 'transform',
          reason: 'INVALID_JSON',
          detail: 'not JSON',
          topic: 't',
          client_id: 'x',
          thing_name: 'x',
          received_at: 'now',
        },
      ]),
    });
    expect(trace.steps[1]).toMatch(/quarantined by transform: INVALID_JSON — not JSON/);
  });

  it('says when nothing in the lake carries the id', () => {
    expect(assembleTrace('c-3', { telemetry: none, anomalies: none, quarantine: none }).found).toBe(false);
  });
});
