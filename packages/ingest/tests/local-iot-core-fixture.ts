// The local IoT Core as device tests meet it: one endpoint per test file, and things provisioned
// through @aws-sdk/client-iot exactly as `aws iot create-thing`, `create-keys-and-certificate`,
// `attach-policy` and `attach-thing-principal` would against AWS.
import * as iot from '@aws-sdk/client-iot';
import { silentLogger } from '@tributary/contracts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devicePolicyName } from '../src/core/index.js';
import {
  LocalRegistry,
  startLocalIotCore,
  type LocalIotCore,
  type LocalIotCoreOptions,
} from '../src/local/index.js';

/** The credentials `create-keys-and-certificate` hands a device, as PEM text. */
export interface ProvisionedThing {
  readonly thingName: string;
  readonly certificateArn: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface LocalIotCoreFixture {
  readonly core: LocalIotCore;
  /** @aws-sdk/client-iot pointed at the local control plane. */
  readonly client: iot.IoTClient;
  /** The mutual-TLS MQTT port on 127.0.0.1. */
  readonly mqttsPort: number;
  /** The Root CA a device trusts (AmazonRootCA1.pem on AWS). */
  readonly caCertificatePem: string;
  provision(thingName: string): Promise<ProvisionedThing>;
  close(): Promise<void>;
}

const location = { region: 'us-east-1', account: '000000000000' };

/**
 * An endpoint on a fresh data directory, removed on close; or on `dataDir`, kept on close, so that a test
 * can start the endpoint again on what the first one stored.
 */
export async function startLocalIotCoreFixture(
  options: Pick<LocalIotCoreOptions, 'onServiceMessage'> & { readonly dataDir?: string } = {},
): Promise<LocalIotCoreFixture> {
  const { dataDir: givenDataDir, ...coreOptions } = options;
  const dataDir = givenDataDir ?? (await mkdtemp(join(tmpdir(), 'device-sdk-')));
  const registry = await LocalRegistry.open(join(dataDir, 'registry.duckdb'), {
    region: location.region,
    accountId: location.account,
  });
  const core = await startLocalIotCore({
    dataDir,
    registry,
    logger: silentLogger,
    location,
    mqttsPort: 0,
    mqttPort: null,
    controlPlanePort: 0,
    ...coreOptions,
  });
  const client = new iot.IoTClient({
    endpoint: core.controlPlaneUrl,
    region: location.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

  const provision = async (thingName: string): Promise<ProvisionedThing> => {
    await client.send(new iot.CreateThingCommand({ thingName }));
    const created = await client.send(new iot.CreateKeysAndCertificateCommand({ setAsActive: true }));
    const certificateArn = created.certificateArn ?? '';
    await client.send(new iot.AttachPolicyCommand({ policyName: devicePolicyName, target: certificateArn }));
    await client.send(new iot.AttachThingPrincipalCommand({ thingName, principal: certificateArn }));
    return {
      thingName,
      certificateArn,
      certificatePem: created.certificatePem ?? '',
      privateKeyPem: created.keyPair?.PrivateKey ?? '',
    };
  };

  return {
    core,
    client,
    mqttsPort: Number(new URL(core.mqttsUrl).port),
    caCertificatePem: core.ca.caCertificatePem,
    provision,
    close: async () => {
      client.destroy();
      await core.close();
      registry.close();
      if (givenDataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The error a refused request rejects with, to assert its exception type and HTTP status. */
export async function refusalOf(request: Promise<unknown>): Promise<iot.IoTServiceException> {
  try {
    await request;
  } catch (error) {
    return error as iot.IoTServiceException;
  }
  throw new Error('the request was not refused');
}
