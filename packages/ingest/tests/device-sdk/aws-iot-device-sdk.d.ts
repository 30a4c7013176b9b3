// aws-iot-device-sdk (v1) ships no type declarations: these cover the part of its public API
// (README "API Documentation": awsIot.device, awsIot.thingShadow) the device SDK tests use.
declare module 'aws-iot-device-sdk' {
  import type { EventEmitter } from 'node:events';

  export interface DeviceOptions {
    host: string;
    port?: number;
    protocol?: 'mqtts' | 'wss';
    clientId: string;
    /** A Buffer holds the PEM itself; a string is read as a file path. */
    caCert?: Buffer | string;
    clientCert?: Buffer | string;
    privateKey?: Buffer | string;
    username?: string;
    enableMetrics?: boolean;
    keepalive?: number;
    baseReconnectTimeMs?: number;
    maximumReconnectTimeMs?: number;
    minimumConnectionTimeMs?: number;
    autoResubscribe?: boolean;
    offlineQueueing?: boolean;
    debug?: boolean;
  }

  export interface PublishOptions {
    qos?: 0 | 1;
    retain?: boolean;
  }

  export class device extends EventEmitter {
    constructor(options: DeviceOptions);
    publish(
      topic: string,
      message: string | Buffer,
      options?: PublishOptions,
      callback?: (error?: Error) => void,
    ): void;
    subscribe(
      topics: string | string[],
      options?: { qos?: 0 | 1 },
      callback?: (error?: Error, granted?: unknown[]) => void,
    ): void;
    end(force?: boolean, callback?: () => void): void;
  }

  export interface ThingShadowOptions extends DeviceOptions {
    operationTimeout?: number;
  }

  export interface RegisterOptions {
    ignoreDeltas?: boolean;
    persistentSubscribe?: boolean;
    discardStale?: boolean;
    enableVersioning?: boolean;
    qos?: 0 | 1;
  }

  export class thingShadow extends EventEmitter {
    constructor(options: ThingShadowOptions);
    register(
      thingName: string,
      options?: RegisterOptions,
      callback?: (error?: unknown, failedTopics?: unknown[]) => void,
    ): void;
    unregister(thingName: string): void;
    /** The clientToken of the request, or null when an operation on this thing is still in flight. */
    update(thingName: string, stateObject: object): string | null;
    get(thingName: string, clientToken?: string): string | null;
    delete(thingName: string, clientToken?: string): string | null;
    publish(
      topic: string,
      message: string | Buffer,
      options?: PublishOptions,
      callback?: (error?: Error) => void,
    ): void;
    end(force?: boolean, callback?: () => void): void;
  }

  const awsIot: { device: typeof device; thingShadow: typeof thingShadow };
  export default awsIot;
}
