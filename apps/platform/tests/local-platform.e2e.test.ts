// End to end on this machine: the real CLI starts the platform; simulated devices, mqtt.js and
// mosquitto_pub publish over a real socket; readings come back through SQL with their enrichment,
// and a malformed message is in quarantine with its reason and original bytes.
import { execFileSync } from 'node:child_process';
import {
  AttachThingPrincipalCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DescribeCertificateCommand,
  IoTClient,
  RegisterCertificateCommand,
} from '@aws-sdk/client-iot';
import { LocalCertificateAuthority } from '@tributary/ingest/local';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anyFreePorts,
  eventually,
  runCli,
  sqlOver,
  startPlatformProcess,
  type StartedPlatform,
} from './platform-process.js';

let dataDir: string;
let platform: StartedPlatform;

const hasMosquittoPub = (() => {
  try {
    execFileSync('mosquitto_pub', ['--help'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { status?: number }).status !== undefined; // it ran, and printed usage
  }
})();

const sql = <T = Record<string, unknown>>(query: string): Promise<T[]> =>
  sqlOver<T>(platform.dashboardUrl, query);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tributary-e2e-'));
  platform = await startPlatformProcess([
    '--data-dir',
    dataDir,
    ...anyFreePorts,
    '--devices',
    '3',
    '--interval-ms',
    '200',
  ]);
});

afterAll(async () => {
  const code = await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('the local platform, end to end', () => {
  it('says what runs where when it starts', () => {
    expect(platform.output()).toMatch(/MQTT broker/);
    expect(platform.output()).toMatch(/Parquet lake\s+\S+lake/);
  });

  it('lands simulated readings in the lake with their registry enrichment', async () => {
    const rows = await eventually(async () => {
      const found = await sql<{ thing_name: string; site: string; thing_type: string }>(
        "SELECT thing_name, site, thing_type FROM telemetry WHERE thing_name LIKE 'sim-sensor-%' LIMIT 5",
      );
      return found.length > 0 ? found : undefined;
    }, 10_000);
    expect(rows[0]?.site).toMatch(/^plant-/);
    expect(rows[0]?.thing_type).toBe('environment-sensor');
  });

  it('makes a reading published with mqtt.js at QoS 1 queryable, once, with device and receive time', async () => {
    const client = await mqtt.connectAsync(platform.mqttUrl, { clientId: 'e2e-mqttjs' });
    // Taken three hours ago (a device that buffered while offline): within the allowed lateness.
    const deviceTime = Date.now() - 3 * 3_600_000;
    const payload = { messageId: 'mqttjs-1', ts: deviceTime, metrics: { temperature: 42.5 } };
    await client.publishAsync('dt/tributary/e2e-mqttjs/telemetry', JSON.stringify(payload), { qos: 1 });
    // A redelivery of the same message must not show twice.
    await client.publishAsync('dt/tributary/e2e-mqttjs/telemetry', JSON.stringify(payload), { qos: 1 });
    await client.endAsync();
    const rows = await eventually(async () => {
      const found = await sql<{ value: number; device_time: string; received_at: string }>(
        "SELECT value, device_time, received_at FROM telemetry WHERE thing_name = 'e2e-mqttjs'",
      );
      return found.length > 0 ? found : undefined;
    }, 10_000);
    await new Promise((r) => setTimeout(r, 1000)); // give a duplicate the time to land if it would
    expect(await sql("SELECT * FROM telemetry WHERE thing_name = 'e2e-mqttjs'")).toHaveLength(1);
    expect(rows[0]?.value).toBe(42.5);
    expect(Date.parse(String(rows[0]?.device_time))).toBe(deviceTime);
    expect(Date.parse(String(rows[0]?.received_at))).toBeGreaterThan(deviceTime + 3 * 3_600_000 - 1);
  });

  it.skipIf(!hasMosquittoPub && !process.env['CI'])(
    'onboards a device with `tributary thing create` that mosquitto_pub then publishes for over mutual TLS',
    async () => {
      const deviceDir = join(dataDir, 'e2e-device');
      const { stdout } = await runCli([
        'thing',
        'create',
        'e2e-tls-device',
        '--type',
        'environment-sensor',
        '--attr',
        'site=plant-e2e',
        '--out',
        deviceDir,
        '--data-dir',
        dataDir,
      ]);
      expect(stdout).toMatch(/Created thing e2e-tls-device with an ACTIVE certificate/);
      const mqtts = new URL(platform.mqttsUrl);
      execFileSync('mosquitto_pub', [
        ...['-h', '127.0.0.1', '-p', mqtts.port, '-i', 'e2e-tls-device', '-q', '1'],
        ...['--cafile', join(deviceDir, 'root-CA.pem')],
        ...['--cert', join(deviceDir, 'e2e-tls-device.cert.pem')],
        ...['--key', join(deviceDir, 'e2e-tls-device.private.key')],
        ...['-t', 'dt/tributary/e2e-tls-device/telemetry', '-m', '{"metrics":{"pressure":1.25}}'],
      ]);
      const readings = await eventually(async () => {
        const found = await sql<{ value: number; site: string }>(
          "SELECT value, site FROM telemetry WHERE thing_name = 'e2e-tls-device'",
        );
        return found.length > 0 ? found : undefined;
      }, 10_000);
      expect(readings[0]).toEqual({ value: 1.25, site: 'plant-e2e' });
      const { stdout: things } = await runCli(['thing', 'list', '--data-dir', dataDir]);
      expect(things).toMatch(/^e2e-tls-device\tenvironment-sensor\tsite=plant-e2e$/m);
    },
  );

  it.skipIf(!hasMosquittoPub && !process.env['CI'])(
    'accepts telemetry from mosquitto_pub and quarantines a malformed message with its reason and bytes',
    async () => {
      const port = new URL(platform.mqttUrl ?? '').port;
      const publish = (thing: string, message: string) =>
        execFileSync('mosquitto_pub', [
          '-h',
          '127.0.0.1',
          '-p',
          port,
          '-q',
          '1',
          '-t',
          `dt/tributary/${thing}/telemetry`,
          '-m',
          message,
        ]);
      publish('e2e-mosquitto', '{"metrics":{"humidity":55.5}}');
      publish('e2e-broken', '{"metrics":');
      const readings = await eventually(async () => {
        const found = await sql<{ value: number }>(
          "SELECT value FROM telemetry WHERE thing_name = 'e2e-mosquitto'",
        );
        return found.length > 0 ? found : undefined;
      }, 10_000);
      expect(readings[0]?.value).toBe(55.5);
      const quarantined = await eventually(async () => {
        const found = await sql<{ reason: string; detail: string; payload_base64: string }>(
          "SELECT reason, detail, payload_base64 FROM quarantine WHERE thing_name = 'e2e-broken'",
        );
        return found.length > 0 ? found : undefined;
      }, 10_000);
      expect(quarantined[0]?.reason).toBe('INVALID_JSON');
      expect(quarantined[0]?.detail).toMatch(/not valid JSON/);
      expect(Buffer.from(String(quarantined[0]?.payload_base64), 'base64').toString()).toBe('{"metrics":');
    },
  );

  it('raises an alarm on a jump in a series: an event on tributary/anomalies/# and a row in the anomalies table', async () => {
    const subscriber = await mqtt.connectAsync(platform.mqttUrl, { clientId: 'e2e-alarm-watcher' });
    await subscriber.subscribeAsync('tributary/anomalies/#', { qos: 1 });
    const heard: { topic: string; event: Record<string, unknown> }[] = [];
    subscriber.on('message', (topic, payload) =>
      heard.push({ topic, event: JSON.parse(payload.toString()) }),
    );

    // One batch: a steady series long enough for the detector to learn it, then a value far outside it.
    const start = Date.now() - 201 * 10_000;
    const values = [...Array.from({ length: 200 }, (_, i) => 20 + Math.sin(i / 5) * 0.3), 35];
    const readings = values.map((value, i) => ({
      messageId: `jump-${i}`,
      ts: start + i * 10_000,
      metrics: { pressure: value },
    }));
    const device = await mqtt.connectAsync(platform.mqttUrl, { clientId: 'e2e-jumpy' });
    await device.publishAsync('dt/tributary/e2e-jumpy/telemetry', JSON.stringify({ readings }), { qos: 1 });
    await device.endAsync();

    const alarm = await eventually(
      async () => heard.find((m) => m.event['thing_name'] === 'e2e-jumpy'),
      10_000,
    );
    await subscriber.endAsync();
    expect(alarm.topic).toBe('tributary/anomalies/e2e-jumpy/pressure');
    expect(alarm.event).toMatchObject({
      state: 'raised',
      severity: 'critical',
      value: 35,
      detector: 'likelihood-ensemble',
    });
    const rows = await sql<{ state: string; severity: string; event_id: string }>(
      "SELECT state, severity, event_id FROM anomalies WHERE thing_name = 'e2e-jumpy'",
    );
    expect(rows).toEqual([{ state: 'raised', severity: 'critical', event_id: alarm.event['event_id'] }]);
  });

  it('traces a message by its correlation id, from receipt to the lake', async () => {
    const [row] = await sql<{ correlation_id: string }>(
      "SELECT correlation_id FROM telemetry WHERE thing_name = 'e2e-mqttjs'",
    );
    const { stdout } = await runCli(['trace', String(row?.correlation_id), '--data-dir', dataDir]);
    expect(stdout).toMatch(/ingest\s+received .* from thing e2e-mqttjs/);
    expect(stdout).toMatch(/store\s+telemetry temperature = 42\.5/);
    const client = await mqtt.connectAsync(platform.mqttUrl, { clientId: 'e2e-trace-broken' });
    await client.publishAsync('dt/tributary/e2e-trace-broken/telemetry', '{"metrics":{"x":', { qos: 1 });
    await client.endAsync();
    const quarantined = await eventually(async () => {
      const [found] = await sql<{ correlation_id: string }>(
        "SELECT correlation_id FROM quarantine WHERE client_id = 'e2e-trace-broken'",
      );
      return found;
    }, 10_000);
    const trace = await runCli(['trace', quarantined.correlation_id, '--data-dir', dataDir]);
    expect(trace.stdout).toMatch(/transform\s+quarantined by transform: INVALID_JSON/);
    expect(trace.stdout).toMatch(/log\s+\S+ info: message quarantined \(.*reason INVALID_JSON/);
    await expect(runCli(['trace', 'no-such-id', '--data-dir', dataDir])).rejects.toMatchObject({
      stderr: expect.stringContaining('No row in the lake carries correlation id no-such-id'),
    });
  });

  it('meters what AWS would bill for the traffic, on the status endpoint', async () => {
    type Meter = {
      iotMessages: number;
      rulesTriggered: number;
      firehoseRecords: number;
      estimatedUsd: number;
    };
    const meterNow = async () =>
      ((await (await fetch(`${platform.dashboardUrl}/api/status`)).json()) as { awsCostSoFar: Meter })
        .awsCostSoFar;
    const before = await meterNow();
    const client = await mqtt.connectAsync(platform.mqttUrl, { clientId: 'e2e-meter' });
    for (let i = 0; i < 3; i += 1) {
      await client.publishAsync(
        'dt/tributary/e2e-meter/telemetry',
        `{"messageId":"m${i}","metrics":{"t":${i}}}`,
        { qos: 1 },
      );
    }
    await client.endAsync();
    const after = await meterNow();
    expect(after.iotMessages - before.iotMessages).toBeGreaterThanOrEqual(3);
    expect(after.rulesTriggered - before.rulesTriggered).toBeGreaterThanOrEqual(3);
    expect(after.estimatedUsd).toBeGreaterThan(before.estimatedUsd);
  });

  it('answers `tributary query` from the command line, as a table and as JSON', async () => {
    const table = await runCli([
      'query',
      'SELECT count(*) AS readings FROM telemetry',
      '--data-dir',
      dataDir,
    ]);
    expect(table.stdout).toMatch(/readings/);
    expect(table.stdout).toMatch(/\(1 row\)/);
    const json = await runCli([
      'query',
      "SELECT DISTINCT thing_name FROM telemetry WHERE thing_name = 'e2e-mqttjs'",
      '--data-dir',
      dataDir,
      '--format',
      'json',
    ]);
    expect(JSON.parse(json.stdout)).toEqual([{ thing_name: 'e2e-mqttjs' }]);
  });

  it('applies `tributary query --scan-limit` through the running platform, for that query only', async () => {
    await expect(
      runCli(['query', 'SELECT * FROM telemetry', '--data-dir', dataDir, '--scan-limit', '1KB']),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Bytes scanned limit exceeded') });
    const unlimited = await runCli(['query', 'SELECT count(*) AS n FROM telemetry', '--data-dir', dataDir]);
    expect(unlimited.stdout).toMatch(/\(1 row\)/);
  });

  it('writes `tributary export` through the running platform, whose compactor it must not race', async () => {
    const out = join(dataDir, 'e2e-export.csv');
    const exported = await runCli([
      'export',
      "SELECT DISTINCT thing_name FROM telemetry WHERE thing_name = 'e2e-mqttjs'",
      '--out',
      out,
      '--data-dir',
      dataDir,
    ]);
    expect(exported.stdout).toMatch(/^1 rows written to .*e2e-export\.csv \(\d+ bytes, csv\)/);
    expect(await readFile(out, 'utf8')).toBe('thing_name\ne2e-mqttjs\n');
  });

  it("audits the platform's IoT configuration Device Defender-style (`tributary audit iot`): an expiring certificate, a shared one, an iot:* policy", async () => {
    // A certificate of the platform's own CA that expires in 10 days, registered ACTIVE through the IoT API.
    const ca = await LocalCertificateAuthority.loadOrCreate(join(dataDir, 'iot', 'pki'));
    const shortLived = await ca.issueDeviceCertificate({ commonName: 'short-lived', validityDays: 10 });
    const endpoints = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as {
      iotApiUrl: string;
    };
    const iot = new IoTClient({
      endpoint: endpoints.iotApiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { certificateId } = await iot.send(
      new RegisterCertificateCommand({ certificatePem: shortLived.certificatePem, status: 'ACTIVE' }),
    );
    // The same certificate attached to two things, and a policy that allows everything.
    const described = await iot.send(new DescribeCertificateCommand({ certificateId }));
    for (const thingName of ['e2e-shared-1', 'e2e-shared-2']) {
      await iot.send(new CreateThingCommand({ thingName }));
      await iot.send(
        new AttachThingPrincipalCommand({
          thingName,
          principal: described.certificateDescription?.certificateArn,
        }),
      );
    }
    await iot.send(
      new CreatePolicyCommand({
        policyName: 'e2e-too-broad',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
        }),
      }),
    );
    // Three devices connecting as one client id, each knocking the previous one off (1 CONNECT/s per id).
    for (let i = 0; i < 4; i++) {
      await mqtt.connectAsync(platform.mqttUrl, { clientId: 'e2e-contested', reconnectPeriod: 0 });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    const audit = await runCli(['audit', 'iot', '--data-dir', dataDir]).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(audit.code, JSON.stringify(audit)).toBe(1);
    expect(audit.stdout).toContain(`DEVICE_CERTIFICATE_EXPIRING_CHECK  ${certificateId}`);
    expect(audit.stdout).toMatch(/in (9|10) days/);
    expect(audit.stdout).toContain(
      `DEVICE_CERTIFICATE_SHARED_CHECK  ${certificateId}: certificate attached to 2 things (e2e-shared-1, e2e-shared-2)`,
    );
    expect(audit.stdout).toMatch(/IOT_POLICY_OVERLY_PERMISSIVE_CHECK {2}e2e-too-broad: WildcardAction/);
    expect(audit.stdout).toMatch(
      /CONFLICTING_CLIENT_IDS_CHECK {2}e2e-contested: client id taken over by another connection 3 times/,
    );
    // The simulated devices' certificates (a year or more), the platform CA and the default device policy
    // are not flagged: five findings in all (the broad policy has two).
    expect(audit.stdout).toMatch(/client ids audited: 5 finding\(s\)/);
  });

  it('refuses SQL that writes, with a clear error', async () => {
    await expect(runCli(['query', "COPY telemetry TO '/tmp/x.csv'", '--data-dir', dataDir])).rejects.toThrow(
      /tributary:/,
    );
  });
});
