// The running platform's IoT API, as the CLI's commands reach it: found through <dataDir>/endpoints.json and
// driven with @aws-sdk/client-iot, so onboarding makes the calls it makes against AWS.
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  CreateThingTypeCommand,
  IoTClient,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-iot';
import { devicePolicyName } from '@tributary/ingest';
import { readFile } from 'node:fs/promises';
import { localAwsLocation } from '../config.js';
import type { DeviceKeyPair } from '../device-files.js';

/** What a running platform writes to <dataDir>/endpoints.json. */
export interface PlatformEndpoints {
  readonly pid: number;
  readonly mqttsUrl: string;
  readonly iotApiUrl: string;
  readonly rootCaPath: string;
  /** The dashboard, whose /api/query runs SQL under the lake's file gate. */
  readonly dashboardUrl?: string;
}

/** The platform that wrote `path`, if its process still runs (a killed platform leaves the file behind). */
export async function runningPlatformEndpoints(path: string): Promise<PlatformEndpoints | undefined> {
  try {
    const endpoints = JSON.parse(await readFile(path, 'utf8')) as PlatformEndpoints;
    process.kill(endpoints.pid, 0); // throws if that process is gone
    return endpoints;
  } catch {
    return undefined;
  }
}

/** Any credentials pass: the local IoT API does not verify SigV4. */
export const localIotClient = (endpoints: PlatformEndpoints): IoTClient =>
  new IoTClient({
    endpoint: endpoints.iotApiUrl,
    region: localAwsLocation.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

export interface ThingToOnboard {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface OnboardedThing extends DeviceKeyPair {
  readonly certificateArn: string;
}

/**
 * `aws iot create-thing`, `create-keys-and-certificate --set-as-active`, `attach-policy` (the default device
 * policy) and `attach-thing-principal`. The thing type is created if missing; CreateThing is idempotent for
 * identical arguments, so an existing thing is reused, and a conflicting one is an error.
 */
export async function onboardThing(client: IoTClient, thing: ThingToOnboard): Promise<OnboardedThing> {
  if (thing.thingTypeName) {
    await ignoreExisting(client.send(new CreateThingTypeCommand({ thingTypeName: thing.thingTypeName })));
  }
  await client.send(
    new CreateThingCommand({
      thingName: thing.thingName,
      thingTypeName: thing.thingTypeName,
      attributePayload: { attributes: { ...thing.attributes } },
    }),
  );
  const created = await client.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  const certificateArn = created.certificateArn ?? '';
  await client.send(new AttachPolicyCommand({ policyName: devicePolicyName, target: certificateArn }));
  await client.send(
    new AttachThingPrincipalCommand({ thingName: thing.thingName, principal: certificateArn }),
  );
  return {
    certificateArn,
    certificatePem: created.certificatePem ?? '',
    privateKeyPem: created.keyPair?.PrivateKey ?? '',
  };
}

async function ignoreExisting(request: Promise<unknown>): Promise<void> {
  await request.catch((error: unknown) => {
    if (!(error instanceof ResourceAlreadyExistsException)) throw error;
  });
}
