// Anomaly events on EventBridge (mocked at the SDK): PutEvents in batches of at most 10 entries, refused
// entries retried a bounded number of times (FailedEntryCount, per-entry ErrorCode), and, in the handler,
// events put only once their rows are in the lake.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { DescribeThingCommand, IoTClient, ListThingGroupsForThingCommand } from '@aws-sdk/client-iot';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '@tributary/contracts';
import { AnomalyEventPublisher } from '../../src/lambda/anomaly-event-publisher.js';
import { createEnrichmentHandler } from '../../src/lambda/enrichment-handler.js';
import { IotThingRegistry } from '../../src/lambda/iot-thing-registry.js';
import { LakeStreamWriter } from '../../src/lambda/lake-stream-writer.js';
import { kinesisEvent, readingsOf, steadyThenSpike } from './kinesis-test-events.js';
import { quietTelemetry } from './quiet-telemetry.js';

const eventBridge = mockClient(EventBridgeClient);
const kinesis = mockClient(KinesisClient);
const iot = mockClient(IoTClient);
const busName = 'tributary-transform-anomalies';
const streamArns = { telemetry: 'arn:telemetry', anomalies: 'arn:anomalies', quarantine: 'arn:quarantine' };

const publisher = () =>
  new AnomalyEventPublisher(busName, new EventBridgeClient({ region: 'eu-west-1' }), { backoffMs: 0 });

function anomalyEvent(n: number, state: AnomalyEvent['state'] = 'raised'): AnomalyEvent {
  return {
    event_id: `pump-7/t/m${n}/${state}`,
    thing_name: 'pump-7',
    metric: 't',
    state,
    score: 0.9,
    value: 100 + n,
    device_time: 1_764_046_800_000 + n,
    received_at: 1_764_046_800_000 + n,
    detector: 'test',
    correlation_id: `c-${n}`,
    severity: null,
  };
}

const entriesPut = () =>
  eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
const detailsPut = () =>
  entriesPut()
    .flat()
    .map((entry) => JSON.parse(entry.Detail!) as AnomalyEvent);

/** EventBridge's answer when it refuses the entries `refuse` picks. */
const answerRefusing = (refuse: (detail: AnomalyEvent) => boolean) => (input: PutEventsCommandInput) => {
  const entries: PutEventsResultEntry[] = (input.Entries ?? []).map((entry) =>
    refuse(JSON.parse(entry.Detail!) as AnomalyEvent)
      ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
      : { EventId: `id-${entry.Detail!.length}` },
  );
  return { FailedEntryCount: entries.filter((e) => e.ErrorCode).length, Entries: entries };
};

beforeEach(() => {
  eventBridge.reset();
  kinesis.reset();
  iot.reset();
  eventBridge.on(PutEventsCommand).callsFake(answerRefusing(() => false));
  kinesis.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => ({
    FailedRecordCount: 0,
    Records: input.Records.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shard-0' })),
  }));
  iot.on(DescribeThingCommand).resolves({ thingName: 'pump-7', attributes: {} });
  iot.on(ListThingGroupsForThingCommand).resolves({ thingGroups: [] });
});

describe('AnomalyEventPublisher', () => {
  it('puts at most 10 entries per call, on the bus, with the source and detail-type rules match', async () => {
    const events = Array.from({ length: 23 }, (_, n) => anomalyEvent(n, n % 2 ? 'cleared' : 'raised'));
    expect(await publisher().publish(events)).toEqual([]);
    expect(entriesPut().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(detailsPut()).toEqual(events);
    expect(entriesPut()[0]!.slice(0, 2)).toEqual([
      expect.objectContaining({
        EventBusName: busName,
        Source: 'tributary.transform',
        DetailType: 'Tributary Anomaly Raised',
      }),
      expect.objectContaining({ DetailType: 'Tributary Anomaly Cleared' }),
    ]);
  });

  it('retries only the entries EventBridge refused (FailedEntryCount > 0)', async () => {
    let refusals = 0;
    eventBridge
      .on(PutEventsCommand)
      .callsFake(answerRefusing((event) => [3, 12].includes(event.value - 100) && refusals++ < 2));
    const events = Array.from({ length: 15 }, (_, n) => anomalyEvent(n));
    expect(await publisher().publish(events)).toEqual([]);
    expect(entriesPut().map((entries) => entries.length)).toEqual([10, 5, 2]);
    expect(entriesPut()[2]!.map((entry) => (JSON.parse(entry.Detail!) as AnomalyEvent).event_id)).toEqual([
      'pump-7/t/m3/raised',
      'pump-7/t/m12/raised',
    ]);
  });

  it('gives up after a bounded number of attempts and returns the entries still refused', async () => {
    eventBridge.on(PutEventsCommand).callsFake(answerRefusing((event) => event.value === 101));
    const events = [anomalyEvent(0), anomalyEvent(1), anomalyEvent(2)];
    expect(await publisher().publish(events)).toEqual([1]);
    expect(entriesPut().map((entries) => entries.length)).toEqual([3, 1, 1]);
  });

  it('retries every entry of a call that failed as a whole', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(new Error('socket hang up'))
      .callsFake(answerRefusing(() => false));
    expect(await publisher().publish([anomalyEvent(0), anomalyEvent(1)])).toEqual([]);
    expect(entriesPut().map((entries) => entries.length)).toEqual([2, 2]);
  });
});

describe('the Enrichment Lambda and anomaly events', () => {
  const handler = (anomalyEvents = publisher()) =>
    createEnrichmentHandler({
      registry: new IotThingRegistry(new IoTClient({ region: 'eu-west-1' })),
      writer: new LakeStreamWriter(streamArns, new KinesisClient({ region: 'eu-west-1' })),
      anomalyEvents,
      telemetry: quietTelemetry(),
    });
  const anomalyRowsInLake = () =>
    kinesis
      .commandCalls(PutRecordsCommand)
      .filter((call) => call.args[0].input.StreamARN === streamArns.anomalies)
      .flatMap((call) => call.args[0].input.Records ?? [])
      .map((record) => JSON.parse(Buffer.from(record.Data!).toString()) as AnomalyEvent);

  it('puts each anomaly the lake received on the bus, after the lake write', async () => {
    const order: string[] = [];
    kinesis.on(PutRecordsCommand).callsFake((input: { StreamARN: string; Records: unknown[] }) => {
      order.push(`kinesis ${input.StreamARN}`);
      return { FailedRecordCount: 0, Records: input.Records.map(() => ({ SequenceNumber: '1' })) };
    });
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
      order.push('eventbridge');
      return answerRefusing(() => false)(input);
    });
    const result = await handler()(kinesisEvent(readingsOf('pump-7', steadyThenSpike())));
    expect(result.batchItemFailures).toEqual([]);
    const anomalies = anomalyRowsInLake();
    expect(anomalies.some((anomaly) => anomaly.state === 'raised')).toBe(true);
    expect(detailsPut()).toEqual(anomalies);
    expect(order.at(-1)).toBe('eventbridge');
    expect(order.filter((call) => call === 'eventbridge')).toHaveLength(1);
  });

  it('puts no event of a record whose lake rows Kinesis refused', async () => {
    kinesis.on(PutRecordsCommand).rejects(new Error('network down'));
    const result = await handler()(kinesisEvent(readingsOf('pump-7', steadyThenSpike())));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'seq-0' }]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('fails the record whose anomaly EventBridge kept refusing, so Lambda retries from it', async () => {
    eventBridge.on(PutEventsCommand).callsFake(answerRefusing(() => true));
    const event = kinesisEvent(readingsOf('pump-7', steadyThenSpike()));
    const result = await handler()(event);
    const raised = anomalyRowsInLake().find((anomaly) => anomaly.state === 'raised')!;
    const recordOfRaised = event.Records.find(
      (record) =>
        (JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()) as { correlationId: string })
          .correlationId === raised.correlation_id,
    )!;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: recordOfRaised.kinesis.sequenceNumber }]);
    // Three attempts (the publisher's default bound) for each anomaly event of the batch.
    const attempts = detailsPut().filter((detail) => detail.event_id === raised.event_id);
    expect(attempts).toHaveLength(3);
  });
});
