// In-memory stand-ins for the thing registry and the shadow service behind LocalDeviceDirectory (the real
// ones are Ingest's, which Insights may not import; apps/platform's e2e test runs those), and the IoT Core
// messages the platform hands the directory, built as the broker and shadow service publish them.
import type { ShadowDocument } from '@tributary/contracts';
import {
  LakeQueryService,
  LiveFeed,
  LocalDeviceDirectory,
  publishDeviceChanges,
  startDashboardServer,
  type DashboardServer,
  type RegisteredThing,
  type ShadowSource,
  type ThingSource,
} from '../src/local/index.js';

/** A real dashboard server over `lakeDir`, its device list fed by in-memory things and shadows. */
export interface DeviceDashboard {
  readonly queries: LakeQueryService;
  readonly liveFeed: LiveFeed;
  readonly shadows: InMemoryShadows;
  readonly directory: LocalDeviceDirectory;
  readonly dashboard: DashboardServer;
  /** Stops publishing device changes, closes the server and the query service. */
  close(): Promise<void>;
}

export async function startDeviceDashboard(options: {
  readonly lakeDir: string;
  readonly things: InMemoryThings;
  readonly onPublishFailure: (error: unknown) => void;
  readonly status?: () => Record<string, unknown>;
}): Promise<DeviceDashboard> {
  const queries = await LakeQueryService.open({ lakeDir: options.lakeDir });
  const liveFeed = new LiveFeed();
  const shadows = new InMemoryShadows();
  const directory = new LocalDeviceDirectory({ things: options.things });
  directory.readShadowsFrom(shadows);
  const stopPublishing = publishDeviceChanges(directory, liveFeed, options.onPublishFailure);
  const dashboard = await startDashboardServer({
    queryService: queries,
    liveFeed,
    deviceDirectory: directory,
    status: options.status ?? (() => ({})),
  });
  return {
    queries,
    liveFeed,
    shadows,
    directory,
    dashboard,
    async close() {
      await stopPublishing();
      await dashboard.close();
      await queries.close();
    },
  };
}

export class InMemoryThings implements ThingSource {
  readonly things = new Map<string, RegisteredThing>();
  private readonly listeners = new Set<() => void>();
  /** ListThings calls so far. */
  listCalls = 0;

  /** Registers (or updates) a thing, and tells the listeners as the registry does after a commit. */
  add(thingName: string, thingTypeName: string | null, attributes: Record<string, string> = {}): void {
    this.things.set(thingName, { thingName, thingTypeName, attributes });
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pages of `maxResults`, the next token being the index to continue from, as ListThings pages. */
  async listThings(request: { maxResults?: number; nextToken?: string }) {
    this.listCalls += 1;
    const all = [...this.things.values()];
    const start = Number(request.nextToken ?? 0);
    const end = start + (request.maxResults ?? 25);
    return { things: all.slice(start, end), ...(end < all.length ? { nextToken: String(end) } : {}) };
  }
}

export class InMemoryShadows implements ShadowSource {
  readonly documents = new Map<string, ShadowDocument | { code: number; message: string }>();

  /** Sets a classic shadow's state, versioned as the shadow service does: each update adds one. */
  update(
    thingName: string,
    desired: Record<string, unknown> | null,
    reported: Record<string, unknown>,
  ): void {
    const previous = this.documents.get(thingName);
    const version = previous && 'version' in previous ? previous.version + 1 : 1;
    const delta = Object.fromEntries(
      Object.entries(desired ?? {}).filter(
        ([key, value]) => JSON.stringify(reported[key]) !== JSON.stringify(value),
      ),
    );
    this.documents.set(thingName, {
      state: {
        ...(desired ? { desired } : {}),
        reported,
        ...(Object.keys(delta).length > 0 ? { delta } : {}),
      },
      version,
      timestamp: Math.floor(Date.now() / 1000),
    });
  }

  async get({ thingName }: { thingName: string }) {
    return (
      this.documents.get(thingName) ?? { code: 404, message: `No shadow exists with name: '${thingName}'` }
    );
  }
}

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** `$aws/events/presence/<eventType>/<clientId>` and its payload (life-cycle-events.html). */
export function presenceMessage(
  eventType: 'connected' | 'disconnected',
  clientId: string,
  options: { timestamp?: number; sessionIdentifier?: string; disconnectReason?: string } = {},
): [string, Uint8Array] {
  return [
    `$aws/events/presence/${eventType}/${clientId}`,
    bytes({
      clientId,
      timestamp: options.timestamp ?? Date.now(),
      eventType,
      sessionIdentifier: options.sessionIdentifier ?? `session-of-${clientId}`,
      principalIdentifier: 'test',
      versionNumber: 0,
      ...(eventType === 'disconnected'
        ? {
            disconnectReason: options.disconnectReason ?? 'CLIENT_INITIATED_DISCONNECT',
            clientInitiatedDisconnect: options.disconnectReason === undefined,
          }
        : { ipAddress: '127.0.0.1' }),
    }),
  ];
}

/** `$aws/things/<thing>/shadow/update/documents`: the directory reads the shadow itself, so any payload does. */
export const shadowDocumentsMessage = (thingName: string): [string, Uint8Array] => [
  `$aws/things/${thingName}/shadow/update/documents`,
  bytes({}),
];
