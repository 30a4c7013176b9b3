// The fleet driver's clock without a broker: a device on its own reporting interval leaves the fleet's
// round-robin while the others keep their slots, and a held-back device skips due readings, not queues them.
import { describe, expect, it } from 'vitest';
import { fleetPlanOf, type TelemetryPublish } from '../../src/core/index.js';
import { fleetScheduleOf } from '../../src/local/fleet-schedule.js';

const plan = fleetPlanOf({ devices: 2, ratePerSecond: 20, seed: 5 }); // each device every 100 ms
const startedAt = 1_700_000_000_000;

function scheduleWith(isHeldBack?: (device: number) => boolean) {
  const sent: Array<{ device: number; ts: number }> = [];
  const schedule = fleetScheduleOf({
    plan,
    startedAt,
    batchSize: 1,
    send: (device, message: TelemetryPublish) =>
      sent.push({ device, ts: (JSON.parse(message.payload) as { ts: number }).ts - startedAt }),
    isHeldBack,
  });
  const offsetsOf = (device: number) => sent.filter((s) => s.device === device).map((s) => s.ts);
  return { schedule, offsetsOf };
}

describe('fleetScheduleOf', () => {
  it('moves a device to its own interval from its last reading on, the other keeping its slots', () => {
    const { schedule, offsetsOf } = scheduleWith();
    schedule.publishDue(201); // slots at 0, 50, 100, 150, 200
    expect(offsetsOf(0)).toEqual([0, 100, 200]);
    schedule.setDeviceIntervalMs(0, 250, 201);
    schedule.publishDue(1000);

    expect(offsetsOf(0)).toEqual([0, 100, 200, 450, 700, 950]);
    expect(offsetsOf(1)).toEqual([50, 150, 250, 350, 450, 550, 650, 750, 850, 950]);
    expect(schedule.readingsGenerated()).toBe(16);
  });

  it('starts a shorter interval now rather than in the past', () => {
    const { schedule, offsetsOf } = scheduleWith();
    schedule.publishDue(101);
    schedule.setDeviceIntervalMs(0, 30, 180);
    schedule.publishDue(260);
    expect(offsetsOf(0)).toEqual([0, 100, 180, 210, 240]);
  });

  it('skips and counts the readings of a held-back device instead of queueing them', () => {
    let held = true;
    const { schedule, offsetsOf } = scheduleWith((device) => device === 0 && held);
    schedule.publishDue(400);
    expect(offsetsOf(0)).toEqual([]);
    expect(schedule.readingsHeldBack()).toBe(4);
    held = false;
    schedule.publishDue(600);
    expect(offsetsOf(0)).toEqual([400, 500]);
    expect(schedule.readingsGenerated()).toBe(8);
  });
});
