// The DeviceDirectory on this machine: registrations listed from the thing registry, shadows from the shadow
// service, and connection states folded from the lifecycle events IoT Core publishes. The platform hands it
// every message IoT Core publishes itself (observe), as it hands them to topic rules; the registry and the
// shadow service come in as small interfaces (ThingSource, ShadowSource) that Ingest's LocalRegistry and
// LocalShadowService satisfy without Insights depending on Ingest.
import type { ShadowDocument } from '@tributary/contracts';
import {
  connectionAfter,
  deviceChangeOf,
  presenceEventOf,
  shadowViewOf,
  type DeviceConnection,
  type DeviceDirectory,
  type DirectoryDevice,
} from '../core/index.js';
import { RegisteredThings, type RegisteredThing, type ThingSource } from './registered-things.js';

/** GetThingShadow on the classic shadow: the document, or a rejection with its HTTP status. */
export interface ShadowSource {
  get(address: {
    readonly thingName: string;
  }): Promise<ShadowDocument | { readonly code: number; readonly message: string }>;
}

export interface LocalDeviceDirectoryOptions {
  readonly things: ThingSource;
  /** Connection states kept at most (the broker's distinct client ids); the oldest are forgotten. @default 100_000 */
  readonly maxConnections?: number;
}

export class LocalDeviceDirectory implements DeviceDirectory {
  private readonly registered: RegisteredThings;
  private readonly maxConnections: number;
  /**
   * By client id: a thing's connection is the one whose client id is its name, as fleet indexing's
   * connectivity data has it (https://docs.aws.amazon.com/iot/latest/developerguide/managing-fleet-index.html).
   */
  private readonly connections = new Map<string, DeviceConnection>();
  private readonly listeners = new Set<(thingName: string) => void>();
  private shadows: ShadowSource | undefined;

  constructor(options: LocalDeviceDirectoryOptions) {
    this.registered = new RegisteredThings(options.things);
    this.maxConnections = options.maxConnections ?? 100_000;
  }

  /** Shadows are read from `shadows` from now on (IoT Core starts after the dashboard). */
  readShadowsFrom(shadows: ShadowSource): void {
    this.shadows = shadows;
  }

  /** A message IoT Core published itself (lifecycle, shadow, registry event); others are ignored. */
  observe(topic: string, payload: Uint8Array): void {
    const change = deviceChangeOf(topic);
    if (!change) return;
    if (change.kind === 'presence') {
      const event = presenceEventOf(payload);
      if (!event) return;
      this.connections.delete(event.clientId); // re-inserted last: the oldest is forgotten first
      this.connections.set(event.clientId, connectionAfter(this.connections.get(event.clientId), event));
      for (const [clientId] of this.connections) {
        if (this.connections.size <= this.maxConnections) break;
        this.connections.delete(clientId);
      }
      this.notify(event.clientId);
    } else {
      this.notify(change.thingName);
    }
  }

  onChange(listener: (thingName: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async thingNames(): Promise<readonly string[]> {
    // A client on the plain listener or with an unregistered id is listed too: the list then shows the
    // same devices after a reload as its live updates added.
    const names = new Set([...this.connections.keys(), ...(await this.registered.byName()).keys()]);
    return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async devices(thingNames: readonly string[]): Promise<DirectoryDevice[]> {
    const registered = await this.registered.byName();
    return Promise.all(thingNames.map((thingName) => this.device(thingName, registered.get(thingName))));
  }

  /** Stops following the registry's changes. */
  close(): void {
    this.registered.close();
  }

  private async device(thingName: string, thing: RegisteredThing | undefined): Promise<DirectoryDevice> {
    const shadow = await this.shadows?.get({ thingName });
    const shadowFound = shadow !== undefined && 'state' in shadow;
    return {
      thingName,
      registered: thing !== undefined,
      thingTypeName: thing?.thingTypeName ?? null,
      attributes: thing?.attributes ?? {},
      connection: this.connections.get(thingName) ?? null,
      shadow: shadowFound ? shadowViewOf(shadow) : null,
      // 404 is "no shadow", not a failure.
      shadowError:
        shadow === undefined || shadowFound || shadow.code === 404
          ? null
          : `${shadow.code} ${shadow.message}`,
    };
  }

  private notify(thingName: string): void {
    for (const listener of this.listeners) listener(thingName);
  }
}
