// The composition root of the local platform: every stage's local adapters wired in the order of the
// data path — IoT Core (broker, policies, shadows) → rules → durable stream → transform → lake and live feed
// → SQL and dashboard.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  createLogger,
  lakeDeliveryRules,
  lakeRowOfRuleOutput,
  topics,
  type AnomalyEvent,
  type Logger,
  type QuarantineRecord,
} from '@tributary/contracts';
import { billableJsonBytes, CostMeter } from '@tributary/cross-cutting';
import { eventConfigurationsOf, tributaryEventTypes, type RuleErrorRecord } from '@tributary/ingest';
import {
  LocalRegistry,
  LocalRulesEngine,
  startFleetSimulator,
  startLocalIotCore,
  type FleetSimulator,
  type LocalIotCore,
} from '@tributary/ingest/local';
import {
  LakeQueryService,
  LiveFeed,
  LocalDeviceDirectory,
  publishDeviceChanges,
  startDashboardServer,
} from '@tributary/insights/local';
import { LakeCompactor, LakeFileGate, LakeWriter } from '@tributary/store/local';
import type { TransformResult } from '@tributary/transform';
import {
  DurableTelemetryStream,
  invalidateOnRegistryChanges,
  invalidateOnShadowChange,
  keepSavingDetectorStates,
  loadDetectorStates,
  reportedStateFrom,
  startTransformWorker,
  telemetryRule,
  ThingContextCache,
} from '@tributary/transform/local';
import {
  detectorStatePathOf,
  devicesDirOf,
  endpointsFileOf,
  iotCoreDirOf,
  lakeDirOf,
  localAwsLocation,
  logFileOf,
  registryPathOf,
  streamDirOf,
  type PlatformConfig,
} from './config.js';
import { clientIdTakenOverMessage, LogFile } from './log-file.js';
import { simulatedDeviceCredentials } from './simulated-devices.js';

export interface RunningPlatform {
  readonly config: PlatformConfig;
  /** The plain development listener, unless turned off. */
  readonly mqttUrl: string | undefined;
  /** MQTT over mutual TLS with IoT policies. */
  readonly mqttsUrl: string;
  /** The IoT control plane and Device Shadow REST API (@aws-sdk/client-iot's endpoint). */
  readonly iotApiUrl: string;
  /** The CA device certificates chain to, which devices trust for the endpoint. */
  readonly rootCaPath: string;
  readonly dashboardUrl: string;
  readonly lakeDir: string;
  readonly simulator: FleetSimulator | undefined;
  stop(): Promise<void>;
}

export async function startPlatform(config: PlatformConfig, logger?: Logger): Promise<RunningPlatform> {
  const log = logger ?? (await platformLogger(config));
  const lakeDir = lakeDirOf(config);
  await mkdir(lakeDir, { recursive: true });
  // Components stop in the reverse order they started: upstream first, so every message a device got
  // a PUBACK for reaches the lake before the lake closes. A failed start stops what did start.
  const stopsInOrder: (() => Promise<void> | void)[] = [];
  // A stop that fails (e.g. a lake that cannot flush) does not keep the others from running; the first
  // failure is rethrown once everything has stopped.
  const stopAll = async () => {
    const failures: unknown[] = [];
    for (const stop of stopsInOrder.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        failures.push(error);
        log.error('a component failed to stop cleanly', { error });
      }
    }
    if (failures.length > 0) throw failures[0];
  };

  try {
    // Store and Insights first, so nothing upstream produces data before it has somewhere to go.
    // Closed hours' small files are merged every minute, the open hours' every 10 s; queries and the
    // writer's reads of written keys hold the gate the swap takes, so none sees a reading missing or twice. Opening settles a compaction a crash interrupted, before anything
    // reads the lake.
    const fileGate = new LakeFileGate();
    const compactor = await LakeCompactor.open({ lakeDir, gate: fileGate });
    stopsInOrder.push(() => compactor.close());
    const lake = await LakeWriter.open({
      lakeDir,
      gate: fileGate,
      maxRememberedKeys: config.rememberedKeys,
    });
    stopsInOrder.push(() => lake.close());
    const liveFeed = new LiveFeed();
    const queries = await LakeQueryService.open({
      lakeDir,
      fileGate,
      bytesScannedCutoffPerQuery: config.scanLimit,
    });
    stopsInOrder.push(() => queries.close());
    compactor.startCompacting();
    const registry = await LocalRegistry.open(registryPathOf(config), localAwsLocation);
    stopsInOrder.push(() => registry.close());
    // Registry events on, as DeviceRegistryStack turns them on in the AWS account.
    await registry.updateEventConfigurations(eventConfigurationsOf(tributaryEventTypes, true));

    // What AWS would bill for this traffic on the deployed design, shown live on the dashboard.
    const meter = new CostMeter();
    // Durable before the PUBACK, checkpointed only once the lake has the rows in Parquet (DESIGN.md §4).
    const stream = await DurableTelemetryStream.open({
      dir: streamDirOf(config),
      logger: log.child({ component: 'stream' }),
    });
    // Alarm transitions go to MQTT subscribers once IoT Core is up (on AWS: EventBridge and SNS), after
    // the lake has them, so a subscriber never hears of an alarm the lake does not hold.
    let publishAnomalies: (events: readonly AnomalyEvent[]) => Promise<void> = async () => {};
    const sink = {
      take: async (result: TransformResult) => {
        await deliver(result, lake, liveFeed, meter, log);
        return { durable: lake.flushed().then(() => publishAnomalies(result.anomalies)) };
      },
    };
    const writeDurably = async (result: TransformResult) => (await sink.take(result)).durable;
    // Enrichment contexts stay cached until a registry change or a shadow update (onServiceMessage) says
    // they changed; the shadows are read once IoT Core is up (readShadowsFrom below).
    const contexts = new ThingContextCache(registry);
    stopsInOrder.push(invalidateOnRegistryChanges(contexts, registry));
    // Saved a last time after the stream has stopped (stops run in reverse order).
    const detectorStateFile = {
      path: detectorStatePathOf(config),
      logger: log.child({ component: 'detectors' }),
    };
    const detectors = await loadDetectorStates(detectorStateFile);
    stopsInOrder.push(keepSavingDetectorStates(detectors, detectorStateFile));
    startTransformWorker({ stream, contexts, sink, logger: log, detectors });
    stopsInOrder.push(() => stream.stop());

    // The dashboard's device list: registrations from the registry, connections and shadows from the IoT
    // Core messages handed to it below (observe), shadows read once IoT Core is up (readShadowsFrom).
    const deviceDirectory = new LocalDeviceDirectory({ things: registry });
    stopsInOrder.push(() => deviceDirectory.close());
    const dashboard = await startDashboardServer({
      host: config.host,
      port: config.httpPort,
      queryService: queries,
      lakeExports: queries,
      liveFeed,
      deviceDirectory,
      status: () => ({
        streamDepth: stream.depth,
        processed: stream.processed,
        // degraded while the lake cannot be written: lake.lastFlushError says why (e.g. DISK_FULL).
        health: lake.stats.lastFlushError === null ? 'ok' : 'degraded',
        lake: lake.stats,
        compaction: compactor.stats,
        awsCostSoFar: meter.readings,
      }),
    });
    stopsInOrder.push(() => dashboard.close());

    const rules = new LocalRulesEngine({ logger: log.child({ component: 'rules' }) });
    const meteredStream = {
      put: (envelope: Parameters<DurableTelemetryStream['put']>[0]) => {
        meter.kinesisRecord(billableJsonBytes(envelope));
        return stream.put(envelope);
      },
    };
    rules.addRule(telemetryRule(meteredStream, (error) => writeDurably(quarantineOf(error))));
    // Shadow updates and lifecycle events into the lake by the topic rules AWS runs; their Firehose action
    // there (store/infra/rule-fed-delivery.ts) is the lake writer here. A row it refuses is quarantined.
    for (const { name, sql, table } of lakeDeliveryRules) {
      rules.addRule({
        name,
        sql,
        actions: [
          {
            kind: 'stream',
            streamName: `${table}-delivery`,
            partitionKey: ruleTopicPartitionKey,
            put: async (output) => {
              const row = lakeRowOfRuleOutput(table, output as Record<string, unknown>);
              meter.firehoseRecord(billableJsonBytes(row) + 1);
              await lake.appendWhenRoom(table, [row]);
            },
          },
        ],
        errorAction: {
          kind: 'stream',
          streamName: 'lake-rule-errors',
          partitionKey: ruleTopicPartitionKey,
          put: (error) => writeDurably(quarantineOf(error)),
        },
      });
    }
    const iotCore = await startLocalIotCore({
      dataDir: iotCoreDirOf(config),
      registry,
      logger: log.child({ component: 'iot-core' }),
      location: localAwsLocation,
      host: config.host,
      mqttPort: config.mqttPort === 'off' ? null : config.mqttPort,
      mqttsPort: config.mqttsPort,
      controlPlanePort: config.iotPort,
      profile: config.mqttProfile,
      beforeAcknowledge: (packet, clientId) => {
        const payload = toBuffer(packet.payload);
        meter.mqttPublish(packet.topic, payload.length);
        return rules.evaluate(packet.topic, payload, clientId).then((triggered) => meter.rules(triggered));
      },
      // What `tributary audit iot` counts for Device Defender's CONFLICTING_CLIENT_IDS_CHECK.
      onLifecycleEvent: (event) => {
        if (event.eventType === 'disconnected' && event.disconnectReason === 'DUPLICATE_CLIENTID') {
          log.info(clientIdTakenOverMessage, {
            clientId: event.clientId,
            principalIdentifier: event.principalIdentifier,
          });
        }
      },
      // Lifecycle events and shadow responses reach topic rules as on AWS (no client published them).
      onServiceMessage: async (topic, payload) => {
        invalidateOnShadowChange(contexts, topic);
        deviceDirectory.observe(topic, payload);
        meter.rules(await rules.evaluate(topic, payload, ''));
      },
    });
    stopsInOrder.push(() => iotCore.close());
    publishAnomalies = anomalyEventPublisher(iotCore, log);
    contexts.readShadowsFrom(reportedStateFrom(iotCore.shadows));
    deviceDirectory.readShadowsFrom(iotCore.shadows);
    // Stopped before IoT Core closes the shadow store, once the devices it is reading are read.
    stopsInOrder.push(
      publishDeviceChanges(deviceDirectory, liveFeed, (error, thingNames) =>
        log.warn('device list changes not shown live', {
          devices: thingNames.length,
          firstThingNames: thingNames.slice(0, 5),
          error,
        }),
      ),
    );
    const rootCaPath = join(devicesDirOf(config), 'root-CA.pem');
    await mkdir(devicesDirOf(config), { recursive: true });
    await writeFile(rootCaPath, iotCore.ca.caCertificatePem);

    const simulator =
      config.devices > 0
        ? await startFleetSimulator({
            brokerUrl: iotCore.mqttsUrl,
            credentialsFor: simulatedDeviceCredentials(iotCore, registry, devicesDirOf(config)),
            registry,
            logger: log.child({ component: 'simulator' }),
            devices: config.devices,
            intervalMs: config.intervalMs,
          })
        : undefined;
    if (simulator) stopsInOrder.push(() => simulator.stop());

    const endpoints = {
      mqttUrl: iotCore.mqttUrl,
      mqttsUrl: iotCore.mqttsUrl,
      iotApiUrl: iotCore.controlPlaneUrl,
      dashboardUrl: dashboard.url,
      rootCaPath,
    };
    // The CLI's other commands (e.g. `tributary thing create`) find the running platform here.
    await writeFile(endpointsFileOf(config), JSON.stringify({ pid: process.pid, ...endpoints }, null, 2));
    stopsInOrder.unshift(() => rm(endpointsFileOf(config), { force: true }));

    return { config, ...endpoints, lakeDir, simulator, stop: stopAll };
  } catch (error) {
    await stopAll().catch(() => undefined); // already logged; the start failure is what to report
    throw error;
  }
}

const logLevels = ['debug', 'info', 'warn', 'error'] as const;

/**
 * Logs to stderr at the configured level, and from `info` up (or the configured level, if lower) to the
 * data directory's log file, which `tributary trace` and `tributary audit iot` read.
 */
async function platformLogger(config: PlatformConfig): Promise<Logger> {
  await mkdir(dirname(logFileOf(config)), { recursive: true });
  const file = new LogFile(logFileOf(config));
  const consoleFrom = logLevels.indexOf(config.logLevel);
  return createLogger({
    service: 'tributary',
    level: consoleFrom < 1 ? config.logLevel : 'info',
    write: (line) => {
      file.write(line);
      // Every line starts with {"level":"<level>" (the logger writes that field first).
      const level = line.slice(10, line.indexOf('"', 10)) as (typeof logLevels)[number];
      if (logLevels.indexOf(level) >= consoleFrom) process.stderr.write(line + '\n');
    },
  });
}

async function deliver(
  result: TransformResult,
  lake: LakeWriter,
  liveFeed: LiveFeed,
  meter: CostMeter,
  log: Logger,
): Promise<void> {
  // A lake that cannot be written (a full disk) holds the batch here until it can take the rows: the
  // stream stops checkpointing and fills, and the broker withholds PUBACKs. A retried batch's rows that
  // were already appended are deduplicated by the writer.
  await lake.appendWhenRoom('telemetry', result.readings);
  await lake.appendWhenRoom('anomalies', result.anomalies);
  await lake.appendWhenRoom('quarantine', result.quarantined);
  // On AWS each lake row is a Kinesis record on its table's stream and a Firehose record.
  for (const rows of [result.readings, result.anomalies, result.quarantined]) {
    for (const row of rows) {
      const rowBytes = billableJsonBytes(row) + 1;
      meter.kinesisRecord(rowBytes);
      meter.firehoseRecord(rowBytes);
    }
  }
  // One line per quarantined message and per alarm transition, with its correlation id, for `tributary trace`.
  for (const record of result.quarantined) {
    log.info('message quarantined', {
      correlationId: record.correlation_id,
      stage: record.stage,
      reason: record.reason,
      detail: record.detail,
    });
  }
  for (const event of result.anomalies) {
    log.info(`anomaly alarm ${event.state}`, {
      correlationId: event.correlation_id,
      thingName: event.thing_name,
      metric: event.metric,
      severity: event.severity,
      score: event.score,
    });
  }
  for (const reading of result.readings) liveFeed.publish({ type: 'reading', reading });
  for (const event of result.anomalies) liveFeed.publish({ type: 'anomaly', event });
  for (const record of result.quarantined) liveFeed.publish({ type: 'quarantine', record });
}

function anomalyEventPublisher(iotCore: LocalIotCore, log: Logger) {
  return async (events: readonly AnomalyEvent[]) => {
    for (const event of events) {
      await iotCore
        .publish(topics.anomalyEvents(event.thing_name, event.metric), JSON.stringify(event))
        .catch((error: unknown) =>
          log.warn('anomaly event not published', { eventId: event.event_id, error }),
        );
    }
  };
}

/** A rule whose action failed: its error record, kept in quarantine with the original bytes. */
function quarantineOf(error: RuleErrorRecord): TransformResult {
  const record: QuarantineRecord = {
    correlation_id: `rule-error-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    received_at: Date.now(),
    topic: error.topic,
    client_id: error.clientId,
    thing_name: null,
    stage: 'ingest',
    reason: 'PROCESSING_FAILED',
    detail: `Rule ${error.ruleName}: ${error.failures.map((f) => `${f.failedAction}: ${f.errorMessage}`).join('; ')}`,
    payload_base64: error.base64OriginalPayload,
  };
  return { readings: [], anomalies: [], quarantined: [record] };
}

// A substitution template, rendered per message by the rules engine.
const ruleTopicPartitionKey = '${topic()}';

const toBuffer = (payload: Buffer | string): Buffer =>
  typeof payload === 'string' ? Buffer.from(payload) : payload;
