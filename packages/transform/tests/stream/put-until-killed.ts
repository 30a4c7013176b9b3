// Test child of crash.test.ts: puts readings for several devices into the durable stream in `dir`
// as fast as it can, each device's next put after its previous one resolved (as QoS 1 PUBACKs go),
// and prints "thing n" the moment a put resolved: the parent kills it with SIGKILL at any moment.
import { silentLogger } from '@tributary/contracts';
import { DurableTelemetryStream } from '../../src/local/stream/index.js';
import { envelope } from './stream-test-kit.js';

const [dir, firstNumber] = process.argv.slice(2);
if (!dir || !firstNumber) throw new Error('usage: put-until-killed.ts <stream dir> <first message number>');
// No consumer runs here, so backpressure must not stop the puts before the kill.
const stream = await DurableTelemetryStream.open({
  dir,
  logger: silentLogger,
  maxUnconsumedRecords: 10_000_000,
});
const devices = Array.from({ length: 16 }, (_, i) => `pump-${i}`);
await Promise.all(
  devices.map(async (thing) => {
    for (let n = Number(firstNumber); ; n++) {
      await stream.put(envelope(thing, n));
      process.stdout.write(`${thing} ${n}\n`); // synchronous on a pipe on Linux
    }
  }),
);
