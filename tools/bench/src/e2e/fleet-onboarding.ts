// The bench's devices, onboarded through the running platform's IoT API as `tributary simulate` onboards
// its fleet: CreateThing (type environment-sensor, so enrichment has a profile and a site to add),
// CreateKeysAndCertificate --set-as-active, AttachPolicy (the default device policy) and
// AttachThingPrincipal. Plain REST calls on the API's AWS paths (iot/latest/apireference), so the bench
// needs no AWS SDK; the local API does not check SigV4.
import { devicePolicyName } from '@tributary/ingest';

export interface DeviceCertificate {
  readonly thingName: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export const benchThingType = 'environment-sensor';
/** CreateKeysAndCertificate makes a key pair on the platform: a few at a time keep its API responsive. */
const concurrentOnboardings = 16;

export async function onboardFleet(
  iotApiUrl: string,
  thingNames: readonly string[],
): Promise<DeviceCertificate[]> {
  const call = iotApiCaller(iotApiUrl);
  await call('POST', `/thing-types/${benchThingType}`, {});
  const onboarded: DeviceCertificate[] = new Array(thingNames.length);
  let next = 0;
  const worker = async () => {
    while (next < thingNames.length) {
      const index = next++;
      onboarded[index] = await onboardThing(call, thingNames[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: concurrentOnboardings }, worker));
  return onboarded;
}

type IotApiCall = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Record<string, unknown>>;

async function onboardThing(call: IotApiCall, thingName: string, index: number): Promise<DeviceCertificate> {
  await call('POST', `/things/${thingName}`, {
    thingTypeName: benchThingType,
    // Four sites, so enrichment has a real attribute to add and the rows are spread over them.
    attributePayload: { attributes: { site: `bench-site-${index % 4}` } },
  });
  const created = (await call('POST', '/keys-and-certificate?setAsActive=true')) as {
    certificateArn: string;
    certificatePem: string;
    keyPair: { PrivateKey: string };
  };
  await call('PUT', `/target-policies/${devicePolicyName}`, { target: created.certificateArn });
  await call('PUT', `/things/${thingName}/principals`, undefined, {
    'x-amzn-principal': created.certificateArn,
  });
  return { thingName, certificatePem: created.certificatePem, privateKeyPem: created.keyPair.PrivateKey };
}

function iotApiCaller(iotApiUrl: string): IotApiCall {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${iotApiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`IoT API ${method} ${path} failed (${response.status}): ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
}
