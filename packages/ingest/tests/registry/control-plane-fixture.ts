// One local registry served by a real control plane on 127.0.0.1, and an IoTClient pointed at it.
import { createLogger } from '@tributary/contracts';
import { startControlPlane, type ControlPlane } from '../../src/local/control-plane/index.js';
import { LocalRegistry, type LocalRegistryOptions } from '../../src/local/registry.js';
import { localIotClient, type IoTClient } from './iot-sdk.js';

export interface ControlPlaneFixture {
  readonly registry: LocalRegistry;
  readonly controlPlane: ControlPlane;
  readonly client: IoTClient;
  close(): Promise<void>;
}

export async function startFixture(
  path = ':memory:',
  options: LocalRegistryOptions = {},
): Promise<ControlPlaneFixture> {
  const registry = await LocalRegistry.open(path, options);
  const logger = createLogger({ service: 'control-plane-test', level: 'warn' });
  const controlPlane = await startControlPlane({ registry, logger, port: 0 });
  const client = localIotClient(controlPlane.url);
  return {
    registry,
    controlPlane,
    client,
    async close() {
      client.destroy();
      await controlPlane.close();
      registry.close();
    },
  };
}

/** The error a promise rejects with, for asserting on what the SDK surfaces. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number };
}> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the request to fail, and it succeeded');
}
