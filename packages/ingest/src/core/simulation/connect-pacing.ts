// When each device of a simulated fleet may send its CONNECT, so the fleet stays within AWS IoT Core's
// 500 CONNECT requests a second per account (https://docs.aws.amazon.com/general/latest/gr/iot-core.html
// #message-broker-limits), which the local broker enforces with a burst of 10,000 (core/connect-quota.ts).
// A fleet that fits in the burst connects at once; a larger one is paced at the account rate from its
// first device, since the burst may already be partly spent by other fleets or reconnects. Pure.

export interface ConnectPacing {
  /** CONNECT requests a second the fleet may send. @default 500, AWS's per-account quota */
  readonly connectsPerSecond: number;
  /** Fleets up to this size connect without pacing. @default 10,000, the local broker's burst */
  readonly unpacedFleetSize: number;
}

export const awsConnectPacing: ConnectPacing = { connectsPerSecond: 500, unpacedFleetSize: 10_000 };

/** Milliseconds after the fleet's first CONNECT at which its `index`-th device (from 0) may send its own. */
export function connectDelayMsOf(index: number, fleetSize: number, pacing: ConnectPacing): number {
  if (fleetSize <= pacing.unpacedFleetSize) return 0;
  return Math.floor((index * 1000) / pacing.connectsPerSecond);
}
