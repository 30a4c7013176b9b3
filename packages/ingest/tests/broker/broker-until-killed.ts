// Test child of broker-sigkill.test.ts: a broker with durable state in `dir`, as `tributary` runs it,
// that prints its port and then serves until the parent kills it with SIGKILL.
import { silentLogger } from '@tributary/contracts';
import { startBroker } from '../../src/local/broker.js';

const [persistenceDir] = process.argv.slice(2);
if (!persistenceDir) throw new Error('usage: broker-until-killed.ts <persistence dir>');
// The publisher sends as fast as it can: the per-connection publish quota is not under test.
const broker = await startBroker({
  port: 0,
  persistenceDir,
  logger: silentLogger,
  limits: { maxPublishesPerSecondPerConnection: Number.POSITIVE_INFINITY },
});
process.stdout.write(`${broker.port}\n`);
