// The broker side of `pnpm bench ingest`, run as a child process so it has a core of its own, as a broker
// has in production: either bare aedes (the baseline) or tributary's endpoint with its rules engine.
// Talks to the parent over IPC: sends `{ port }` once listening; answers `stats` and `stop`.
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { silentLogger } from '@tributary/contracts';
import { LocalRulesEngine, startBroker } from '@tributary/ingest/local';

export type EndpointMode = 'bare-aedes' | 'tributary';

export interface EndpointStats {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Publish → rule action, per message the rule ran for (tributary only). */
  readonly ruleLatenciesMs: number[];
}

export type ParentMessage = { type: 'stats'; gc?: boolean } | { type: 'stop' };

const epochMs = () => performance.timeOrigin + performance.now();

async function startBareAedes(): Promise<{ port: number; close(): Promise<void> }> {
  const aedes = new Aedes();
  await aedes.listen();
  const server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      server.close();
    },
  };
}

async function startTributary(ruleLatenciesMs: number[]) {
  const rules = new LocalRulesEngine({ logger: silentLogger });
  rules.addRule({
    name: 'bench',
    sql: "SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, timestamp() AS receivedAt, newuuid() AS correlationId FROM 'dt/tributary/+/telemetry'",
    action: {
      name: 'record-latency',
      run: (envelope) => {
        const sentAt = Number(JSON.parse(Buffer.from(envelope.payload, 'base64').toString()).sentAt);
        ruleLatenciesMs.push(epochMs() - sentAt);
      },
    },
  });
  const broker = await startBroker({
    port: 0,
    logger: silentLogger,
    beforeAcknowledge: (packet, clientId) =>
      rules.evaluate(packet.topic, Buffer.from(packet.payload), clientId),
  });
  return { port: broker.port, close: () => broker.close() };
}

async function main(mode: EndpointMode): Promise<void> {
  const ruleLatenciesMs: number[] = [];
  const endpoint = mode === 'bare-aedes' ? await startBareAedes() : await startTributary(ruleLatenciesMs);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      void endpoint.close().then(() => process.exit(0));
      return;
    }
    if (message.gc) globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    const stats: EndpointStats = { rssBytes: rss, heapUsedBytes: heapUsed, ruleLatenciesMs };
    process.send?.(stats);
    ruleLatenciesMs.length = 0;
  });
  process.send?.({ port: endpoint.port });
}

await main(process.argv[2] as EndpointMode);
