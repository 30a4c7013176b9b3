// The verdict of a `tributary simulate` run: its one summary line, and exit 1 when a publish failed or a
// device could not connect or stay connected (what CI reads), 0 when all went well.
import { describe, expect, it } from 'vitest';
import { simulationOutcomeOf, type SimulationRunStats } from '../src/cli/simulate-summary.js';

const clean: SimulationRunStats = {
  devices: 5,
  readingsGenerated: 60,
  messagesPublished: 60,
  readingsAcknowledged: 60,
  readingsFailed: 0,
  readingsHeldBack: 0,
  reconnects: 0,
  elapsedMs: 3000,
};

describe('simulationOutcomeOf', () => {
  it('exits 0 with sent, acknowledged, failed, reconnects and the rate achieved against the target', () => {
    const outcome = simulationOutcomeOf({ stats: clean, targetRatePerSecond: 20 });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summaryLine).toBe(
      'simulate ok: sent 60 readings (60 messages), acknowledged 60, failed 0, held back 0, reconnects 0, ' +
        'rate 20.0/s of 20/s target',
    );
  });

  it('exits 1 when publishes failed, saying how many', () => {
    const outcome = simulationOutcomeOf({
      stats: { ...clean, readingsAcknowledged: 57, readingsFailed: 3, reconnects: 2 },
      targetRatePerSecond: 20,
    });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.summaryLine).toMatch(
      /^simulate FAILED: .*failed 3, held back 0, reconnects 2, rate 19\.0\/s/,
    );
    expect(outcome.summaryLine).toMatch(/3 reading\(s\) were never acknowledged$/);
  });

  it('exits 1 when the fleet could not connect', () => {
    const outcome = simulationOutcomeOf({
      stats: { ...clean, readingsGenerated: 0, messagesPublished: 0, readingsAcknowledged: 0, elapsedMs: 0 },
      targetRatePerSecond: 20,
      connectFailure: 'Simulated device sim-1-0003 could not connect',
    });
    expect(outcome).toMatchObject({
      exitCode: 1,
      problems: ['Simulated device sim-1-0003 could not connect'],
    });
    expect(outcome.summaryLine).toMatch(/rate 0\.0\/s of 20\/s target — Simulated device sim-1-0003/);
  });

  it('exits 1 when devices were disconnected at the end', () => {
    const outcome = simulationOutcomeOf({ stats: clean, targetRatePerSecond: 20, devicesDisconnected: 2 });
    expect(outcome).toMatchObject({
      exitCode: 1,
      problems: ['2 of 5 device(s) were disconnected at the end'],
    });
  });

  it('shows readings held back by the in-flight cap without failing the run', () => {
    const outcome = simulationOutcomeOf({
      stats: { ...clean, readingsHeldBack: 40, readingsAcknowledged: 20, readingsGenerated: 20 },
      targetRatePerSecond: 20,
    });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summaryLine).toMatch(/held back 40,.* rate 6\.7\/s of 20\/s target$/);
  });
});
