// Reads a thing's classic shadow `reported` section from the IoT data plane (GetThingShadow) for enrichment,
// the AWS twin of local/shadow-reported-state.ts. No shadow (ResourceNotFoundException) is no reported state;
// any other refusal is an error, and the batch is retried.
// https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetThingShadow.html
import { DescribeEndpointCommand, IoTClient } from '@aws-sdk/client-iot';
import {
  GetThingShadowCommand,
  IoTDataPlaneClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-iot-data-plane';
import type { ReportedStateReader } from '../local/thing-context-cache.js';

export class IotShadowReader implements ReportedStateReader {
  /**
   * @param needsShadow whether the thing's enrichment uses its shadow; a thing that does not is not read
   *   (one GetThingShadow call saved per thing and cache lifetime).
   */
  constructor(
    private readonly client: IoTDataPlaneClient,
    private readonly needsShadow: (thingName: string) => boolean = () => true,
  ) {}

  async reportedStateOf(thingName: string): Promise<Readonly<Record<string, unknown>> | undefined> {
    if (!this.needsShadow(thingName)) return undefined;
    let payload: Uint8Array | undefined;
    try {
      ({ payload } = await this.client.send(new GetThingShadowCommand({ thingName })));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
    if (!payload) return undefined;
    const document = JSON.parse(Buffer.from(payload).toString('utf8')) as {
      state?: { reported?: Record<string, unknown> | null };
    };
    return document.state?.reported ?? undefined;
  }
}

/**
 * A data-plane client for this account's ATS endpoint, looked up once with DescribeEndpoint: the SDK's
 * default host (data.iot.<region>) serves the legacy VeriSign certificate.
 * https://docs.aws.amazon.com/iot/latest/developerguide/iot-connect-devices.html#iot-connect-device-endpoints
 */
export function accountIotDataPlaneClient(iot: IoTClient = new IoTClient({})): IoTDataPlaneClient {
  let endpoint: Promise<{ url: URL }> | undefined;
  const lookUpEndpoint = async () => {
    const { endpointAddress } = await iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    if (!endpointAddress)
      throw new Error('DescribeEndpoint returned no iot:Data-ATS endpoint for this account');
    return { url: new URL(`https://${endpointAddress}`) };
  };
  return new IoTDataPlaneClient({
    endpoint: () => {
      // A failed lookup is not kept: the next batch asks again.
      endpoint ??= lookUpEndpoint().catch((error: unknown) => {
        endpoint = undefined;
        throw error;
      });
      return endpoint;
    },
  });
}
