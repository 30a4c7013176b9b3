// @aws-sdk/client-iot, unchanged, pointed at the local control plane.
import * as iot from '@aws-sdk/client-iot';

export { iot };
export type IoTClient = iot.IoTClient;

/** A client for the local control plane at `url`; any credentials pass (SigV4 is not verified locally). */
export const localIotClient = (url: string): IoTClient =>
  new iot.IoTClient({
    endpoint: url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
