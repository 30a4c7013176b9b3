// What the dashboard's device list knows of a device besides its readings: its registration, whether it is
// connected (from IoT Core's lifecycle events) and its classic shadow. Insights does not depend on Ingest:
// the platform adapts its registry, shadow service and broker to the DeviceDirectory port. Pure: types and
// the shadow summary, no I/O.
import type { ShadowDocument } from '@tributary/contracts';

export interface DeviceConnection {
  readonly connected: boolean;
  /** Epoch ms of the lifecycle event that set the state. */
  readonly sinceMs: number;
  /** AWS's `disconnectReason` (e.g. MQTT_KEEP_ALIVE_TIMEOUT) when disconnected, else null. */
  readonly disconnectReason: string | null;
  /** The connection the state belongs to, so an older connection's late disconnect is not taken for it. */
  readonly sessionIdentifier: string;
}

/** The classic shadow as the list shows it. */
export interface DeviceShadowView {
  readonly version: number;
  readonly reported: Readonly<Record<string, unknown>> | null;
  /** The desired fields that differ from reported (the shadow's delta); null when none do. */
  readonly delta: Readonly<Record<string, unknown>> | null;
}

export interface DirectoryDevice {
  readonly thingName: string;
  /** False for a device only the lake or the broker knows (e.g. one on the plain development listener). */
  readonly registered: boolean;
  readonly thingTypeName: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  /** null until the broker reports the device connecting or disconnecting (since the platform started). */
  readonly connection: DeviceConnection | null;
  /** null when the device has no classic shadow. */
  readonly shadow: DeviceShadowView | null;
  /** Why the shadow could not be read, when it could not; the list shows it instead of the shadow. */
  readonly shadowError: string | null;
}

/** The port the dashboard reads devices through; apps/platform adapts the local IoT Core to it. */
export interface DeviceDirectory {
  /** Every device it knows: registered things and the clients the broker has seen connect; sorted. */
  thingNames(): Promise<readonly string[]>;
  /** What the directory knows of each named device, in the order asked. */
  devices(thingNames: readonly string[]): Promise<DirectoryDevice[]>;
  /** Calls `listener` with a thing's name when its registration, connection or shadow changes; returns the unsubscribe. */
  onChange(listener: (thingName: string) => void): () => void;
}

const isSection = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The version, reported state and delta of a shadow document (as GetThingShadow returns it). */
export function shadowViewOf(document: ShadowDocument): DeviceShadowView {
  const { reported, delta } = document.state;
  return {
    version: document.version,
    reported: isSection(reported) ? reported : null,
    delta: isSection(delta) && Object.keys(delta).length > 0 ? delta : null,
  };
}
