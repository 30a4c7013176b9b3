#!/usr/bin/env node
// The `tributary` command line: start the local platform, query the lake, run the anomaly detector over NAB.
import { parseArgs } from 'node:util';
import { runAuditCommand, runIotAuditCommand } from './audit-command.js';
import { runCatalogCommand } from './catalog-command.js';
import { runCostCommand } from './cost-command.js';
import { runExportCommand } from './export-command.js';
import { runImportCommand } from './import-command.js';
import { runNabCommand } from './nab-command.js';
import { runQueryCommand } from './query-command.js';
import { runReplayCommand } from './replay-command.js';
import { runSimulateCommand } from './simulate-command.js';
import { runStartCommand } from './start-command.js';
import { runThingCommand } from './thing-command.js';
import { runTraceCommand } from './trace-command.js';

const usage = `tributary — the AWS IoT data path on this machine

Usage:
  tributary start [options]            start broker, rules, stream, transform, lake, SQL and dashboard
      --data-dir DIR                   where the lake and registry live (default: ./.tributary)
      --mqtts-port N                   MQTT over mutual TLS with IoT policies (default: 8883; 0 picks a free port)
      --mqtt-port N|off                plain MQTT development listener, no certificate (default: 1883)
      --iot-port N                     IoT control plane and Device Shadow REST API (default: 8081)
      --http-port N                    dashboard and SQL API (default: 8080; 0 picks a free port)
      --devices N                      simulated devices (default: 5; 0 for none)
      --interval-ms N                  milliseconds between two readings of a device (default: 1000)
      --log-level L                    debug | info | warn | error (default: warn)
      --scan-limit SIZE                the most one SQL query may scan, e.g. 500MB (default: 10GB)
      --remembered-keys N              idempotency keys the lake holds in memory to drop redeliveries, ~5 bytes
                                       each (default: 8000000); partitions beyond are checked against their files
      --mqtt-profile P                 aws (AWS IoT Core's broker behaviour and limits) | mqtt-3.1.1 (the OASIS
                                       spec as written: QoS 2, no AWS quotas) (default: aws)
  tributary thing create <name>        a thing with an ACTIVE certificate under the default device policy, through
                                       the running platform's IoT API; writes <name>.cert.pem, .private.key, root-CA.pem
      --type T  --attr key=value ...   its thing type and attributes
      --out DIR                        where the files go (default: ./<name>)
  tributary thing list                 the things in the registry
      --data-dir DIR                   the running platform's (default: ./.tributary)
  tributary simulate [options]         a fleet of simulated devices against the running platform, each over
                                       mutual TLS as its own thing (onboarded on first use), with labelled anomalies
      --devices N                      how many (default: 10)
      --rate R                         readings a second across the fleet (default: one per device)
      --duration D                     30s, 5m, 1h or seconds (default: until Ctrl-C)
      --batch K                        readings per message (default: 1)
      --max-in-flight K                unacknowledged messages per device before it is held back (default: 100)
      --seed S                         names the devices sim-S-0001… and fixes their signals (default: 1)
      --labels FILE                    write the injected anomaly windows as NAB combined_windows.json
      --data-dir DIR                   the running platform's (default: ./.tributary)
  tributary query "<sql>" [options]    run SQL over the lake (tables: telemetry, anomalies, quarantine,
                                       shadow_history, lifecycle_events, telemetry_1m, telemetry_1h);
                                       through the running platform's SQL API when one runs on DIR
      --data-dir DIR                   (default: ./.tributary)
      --format table|json|csv          (default: table)
      --scan-limit SIZE                refuse a query that would scan more, e.g. 1MB (default: 10GB;
                                       a running platform's own limit still applies if lower)
  tributary export "<sql>" --out FILE  write a query's whole result as a file (no row cap), atomically;
                                       through the running platform when one runs on DIR
      --format csv|parquet             (default: from the file's extension)
      --data-dir DIR                   (default: ./.tributary)
  tributary nab --data DIR --out DIR   run the default anomaly detector over every NAB-format CSV under DIR,
                                       writing OUT/<category>/<file>.csv (timestamp,value,anomaly_score)
      --score                          also print the NAB score under each cost profile
      --labels DIR                     the corpus root holding labels/ and profiles.json (default: DIR/..)
  tributary import <file.csv|.jsonl>   backfill historical readings at their original times, validated and enriched
      --data-dir DIR                   (default: ./.tributary; stop 'tributary start' on it first)
  tributary trace <correlation-id>     where one message went: received, quarantined or enriched, scored, stored
      --data-dir DIR                   (default: ./.tributary)
  tributary replay --from TIME         deliver again, at the next start, every stream record (kept 24 h) that
                                       arrived since TIME: ISO-8601, or how long ago (30m, 2h)
      --data-dir DIR                   (default: ./.tributary; stop 'tributary start' on it first)
  tributary cost --devices N --interval S --payload BYTES [--batch K] [--metrics M] [--basic-ingest]
                                       the monthly AWS bill of a fleet, and what batching and Basic Ingest save
  tributary audit [--templates DIR]    IoT policy and encryption checks over synthesized templates (exit 1 on findings)
  tributary audit iot                  Device Defender-style checks of the running platform: expiring device and CA
                                       certificates, certificates shared by things, overly permissive policies,
                                       client ids taken over repeatedly, devices of a retired CA still active
      --data-dir DIR                   the running platform's (default: ./.tributary)
  tributary catalog show [--data-dir DIR]
                                       the lake's table catalogue (Glue-compatible JSON)
  tributary catalog diff [--database NAME] [--region R] [--format table|json]
                                       drift between the contract's tables and the deployed Glue database
                                       (exit 1 on drift; needs glue:GetTables)
  tributary help                       this text
`;

/** The options each command takes: one it does not take is refused, never silently ignored. */
const optionsOf: Readonly<Record<string, readonly string[]>> = {
  start: [
    'data-dir',
    'mqtt-port',
    'mqtts-port',
    'iot-port',
    'http-port',
    'devices',
    'interval-ms',
    'log-level',
    'scan-limit',
    'remembered-keys',
    'mqtt-profile',
  ],
  query: ['data-dir', 'format', 'scan-limit'],
  export: ['out', 'format', 'data-dir'],
  nab: ['data', 'out', 'labels', 'score'],
  import: ['data-dir'],
  trace: ['data-dir'],
  replay: ['from', 'data-dir'],
  audit: ['templates', 'data-dir'],
  thing: ['data-dir', 'type', 'attr', 'out'],
  simulate: ['data-dir', 'devices', 'rate', 'duration', 'batch', 'seed', 'labels', 'max-in-flight'],
  catalog: ['database', 'region', 'format', 'data-dir'],
  cost: ['devices', 'interval', 'payload', 'batch', 'metrics', 'basic-ingest'],
  help: [],
};

async function main(argv: string[]): Promise<number> {
  // The pinned AWS SDK runs on Node 20; its notice that later releases will need Node 22 is not the user's to act on.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const [command, ...rest] = argv;
  // `pnpm start -- --http-port 8181` hands the script a leading `--`; after it parseArgs would take every
  // option for a positional and the options would be ignored.
  const args = rest[0] === '--' ? rest.slice(1) : rest;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'mqtt-port': { type: 'string' },
      'mqtts-port': { type: 'string' },
      'iot-port': { type: 'string' },
      'http-port': { type: 'string' },
      devices: { type: 'string' },
      'interval-ms': { type: 'string' },
      'log-level': { type: 'string' },
      format: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      score: { type: 'boolean' },
      labels: { type: 'string' },
      interval: { type: 'string' },
      payload: { type: 'string' },
      batch: { type: 'string' },
      metrics: { type: 'string' },
      'basic-ingest': { type: 'boolean' },
      templates: { type: 'string' },
      database: { type: 'string' },
      type: { type: 'string' },
      attr: { type: 'string', multiple: true },
      region: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      'max-in-flight': { type: 'string' },
      'scan-limit': { type: 'string' },
      'remembered-keys': { type: 'string' },
      'mqtt-profile': { type: 'string' },
      from: { type: 'string' },
    },
  });
  const taken = optionsOf[command ?? 'help'];
  const notTaken = taken && Object.keys(values).find((option) => !taken.includes(option));
  if (notTaken) {
    const takes = taken.length > 0 ? `it takes ${taken.map((o) => `--${o}`).join(', ')}` : 'it takes none';
    process.stderr.write(`tributary ${command ?? ''} does not take --${notTaken}: ${takes}.\n`);
    return 2;
  }
  if (
    !['query', 'export', 'trace', 'import', 'catalog', 'thing', 'audit'].includes(command ?? '') &&
    positionals.length > 0
  ) {
    process.stderr.write(`tributary ${command ?? ''} takes no argument "${positionals[0]}".\n\n${usage}`);
    return 2;
  }
  switch (command) {
    case 'start':
      return runStartCommand({
        dataDir: values['data-dir'],
        mqttPort: values['mqtt-port'],
        mqttsPort: values['mqtts-port'],
        iotPort: values['iot-port'],
        httpPort: values['http-port'],
        devices: values.devices,
        intervalMs: values['interval-ms'],
        logLevel: values['log-level'],
        scanLimit: values['scan-limit'],
        rememberedKeys: values['remembered-keys'],
        mqttProfile: values['mqtt-profile'],
      });
    case 'query':
      return runQueryCommand(positionals.join(' '), {
        dataDir: values['data-dir'],
        format: values.format,
        scanLimit: values['scan-limit'],
      });
    case 'export':
      return runExportCommand(positionals.join(' '), {
        out: values.out,
        format: values.format,
        dataDir: values['data-dir'],
      });
    case 'nab':
      return runNabCommand({
        data: values.data,
        out: values.out,
        labels: values.labels,
        score: values.score ? 'true' : undefined,
      });
    case 'import':
      return runImportCommand(positionals.join(' '), { dataDir: values['data-dir'] });
    case 'trace':
      return runTraceCommand(positionals.join(' '), { dataDir: values['data-dir'] });
    case 'replay':
      return runReplayCommand({ from: values.from, dataDir: values['data-dir'] });
    case 'audit':
      if (positionals[0] === 'iot' || positionals[0] === 'certificates')
        return runIotAuditCommand({ dataDir: values['data-dir'] });
      return runAuditCommand({ templates: values.templates });
    case 'thing':
      return runThingCommand(positionals, {
        dataDir: values['data-dir'],
        type: values.type,
        attr: values.attr,
        out: values.out,
      });
    case 'simulate':
      return runSimulateCommand({
        dataDir: values['data-dir'],
        devices: values.devices,
        rate: values.rate,
        duration: values.duration,
        batch: values.batch,
        seed: values.seed,
        labels: values.labels,
        maxInFlight: values['max-in-flight'],
      });
    case 'catalog':
      return runCatalogCommand(positionals.join(' ') || undefined, {
        database: values.database,
        region: values.region,
        format: values.format,
        dataDir: values['data-dir'],
      });
    case 'cost':
      return runCostCommand({
        devices: values.devices,
        interval: values.interval,
        payload: values.payload,
        batch: values.batch,
        metrics: values.metrics,
        'basic-ingest': values['basic-ingest'] ? 'true' : undefined,
      });
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(usage);
      return 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tributary: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
