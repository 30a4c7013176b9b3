// What the local broker can be told, and the two behaviour profiles: AWS IoT Core's message broker
// (the default, DESIGN.md §5) and a strict MQTT 3.1.1 broker for differential tests.
import type { PublishPacket } from 'aedes';
import { z } from 'zod';
import type { Logger } from '@tributary/contracts';
import type { LifecycleEvent } from '../../core/lifecycle-events.js';
import type { BrokerAuthorizer } from './authorizer.js';

/**
 * `aws`: AWS IoT Core's differences from MQTT 3.1.1 (mqtt.html#mqtt-differences) and its quotas
 * (iot-core.html#message-broker-limits). `mqtt-3.1.1`: the OASIS spec as written.
 */
export type BrokerProfile = 'aws' | 'mqtt-3.1.1';

export interface BrokerLimits {
  /** Largest PUBLISH payload; larger ones close the connection (AWS: PAYLOAD_LIMIT_EXCEEDED). */
  readonly maxPayloadBytes: number;
  /** Longest topic name or filter in UTF-8 bytes, the Basic Ingest prefix not counted. */
  readonly maxTopicBytes: number;
  /** Most forward slashes in a topic name or filter, the Basic Ingest prefix not counted. */
  readonly maxTopicSlashes: number;
  /** Most topic filters in one SUBSCRIBE packet. */
  readonly maxFiltersPerSubscribe: number;
  /** Most subscriptions one connection may hold. */
  readonly maxSubscriptionsPerConnection: number;
  /** Longest client id in UTF-8 bytes; longer ones get CONNACK 0x02. */
  readonly maxClientIdBytes: number;
  /**
   * Most QoS 1 messages sent to one connection and not yet acknowledged. Beyond it, messages for a clean
   * session are not sent; a persistent session keeps them queued for its next connection.
   */
  readonly maxInflightOutbound: number;
  /**
   * Most PUBLISH packets one connection may send per second (a burst of one second's worth). AWS discards
   * the excess and keeps the connection: a QoS 0 message is lost, a QoS 1 message gets no PUBACK.
   */
  readonly maxPublishesPerSecondPerConnection: number;
  /**
   * Most retained messages the broker stores (AWS: per account). At the limit a retained publish with a
   * payload is discarded as AWS throttles it; an empty one still deletes (retained-quota.ts).
   */
  readonly maxRetainedMessages: number;
  /**
   * CONNECT requests one client id may make per second (AWS: 1, not adjustable), with a burst of 2
   * (core/connect-throttle.ts). Over it the CONNECT is refused without a CONNACK (faults.md #10).
   */
  readonly maxConnectsPerSecondPerClientId: number;
  /**
   * CONNECT requests the broker takes per second from all clients together (AWS: 500 per account,
   * adjustable), with a burst of 20 seconds' worth so a 10,000-device local fleet connects at once
   * (core/connect-quota.ts). Over it the CONNECT is refused without a CONNACK, as over the per-client-id quota.
   */
  readonly maxConnectsPerSecondPerAccount: number;
  /**
   * Open sockets the broker accepts across its listeners; beyond it a new socket is destroyed at accept,
   * before any TLS or MQTT work (faults.md #25). Not an AWS quota (AWS: 500,000 per account, adjustable).
   */
  readonly maxConnections: number;
  /** Open sockets one remote address may hold across the broker's listeners (faults.md #25). */
  readonly maxConnectionsPerAddress: number;
}

/**
 * Socket caps against a connection flood, the same in both profiles. `tributary simulate --devices 10000`
 * opens 10,000 connections from 127.0.0.1; 20,000 per address leaves room for each device's old socket
 * still closing while it reconnects, and 50,000 in all keeps a flood short of the process's file
 * descriptors and memory (~50 KB a connection) while several local fleets share the broker.
 */
const connectionCaps = { maxConnections: 50_000, maxConnectionsPerAddress: 20_000 } as const;

/** AWS IoT Core message broker quotas (iot-core.html#message-broker-limits; reference b-6). */
export const awsBrokerLimits: BrokerLimits = {
  maxPayloadBytes: 128 * 1024,
  maxTopicBytes: 256,
  maxTopicSlashes: 7,
  maxFiltersPerSubscribe: 8,
  maxSubscriptionsPerConnection: 50,
  maxClientIdBytes: 128,
  maxInflightOutbound: 100,
  maxPublishesPerSecondPerConnection: 100,
  maxRetainedMessages: 500_000,
  maxConnectsPerSecondPerClientId: 1,
  maxConnectsPerSecondPerAccount: 500,
  ...connectionCaps,
};

/**
 * The spec sets none of these; the payload bound stays because without it one client can make the
 * broker buffer up to 256 MB (faults.md #3).
 */
export const mqttSpecBrokerLimits: BrokerLimits = {
  maxPayloadBytes: 128 * 1024,
  maxTopicBytes: 65_535,
  maxTopicSlashes: Number.POSITIVE_INFINITY,
  maxFiltersPerSubscribe: Number.POSITIVE_INFINITY,
  maxSubscriptionsPerConnection: Number.POSITIVE_INFINITY,
  maxClientIdBytes: 65_535,
  maxInflightOutbound: Number.POSITIVE_INFINITY,
  maxPublishesPerSecondPerConnection: Number.POSITIVE_INFINITY,
  maxRetainedMessages: Number.POSITIVE_INFINITY,
  maxConnectsPerSecondPerClientId: Number.POSITIVE_INFINITY,
  maxConnectsPerSecondPerAccount: Number.POSITIVE_INFINITY,
  ...connectionCaps,
};

export interface BrokerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 1883 */
  readonly port?: number;
  /**
   * Whether to open the plain TCP listener on host:port; without it, connections arrive only through
   * `handleConnection` (e.g. from the mTLS listener). @default true
   */
  readonly listen?: boolean;
  readonly logger: Logger;
  /** Runs for every client publish before it is acknowledged and routed. */
  readonly beforeAcknowledge?: (packet: PublishPacket, clientId: string) => Promise<unknown>;
  /** @default 'aws' */
  readonly profile?: BrokerProfile;
  /** Overrides of the profile's limits. @default the profile's (awsBrokerLimits or mqttSpecBrokerLimits) */
  readonly limits?: Partial<BrokerLimits>;
  /** Decides connect, publish, subscribe and receive (the IoT policy engine). @default allow everything */
  readonly authorizer?: BrokerAuthorizer;
  /** Called with every lifecycle event the broker publishes on `$aws/events/...`. */
  readonly onLifecycleEvent?: (event: LifecycleEvent) => void;
  /**
   * Directory of a LevelDB store that keeps persistent sessions, retained messages and queued QoS 1
   * messages across restarts. @default in memory: nothing survives a restart
   */
  readonly persistenceDir?: string;
  /** A socket that has not sent CONNECT within this time is closed (faults.md #25). @default 10000 */
  readonly connectTimeoutMs?: number;
  /** A client whose socket does not drain within this time is disconnected (faults.md #24). @default 10000 */
  readonly drainTimeoutMs?: number;
  /**
   * A client with more than this many bytes routed to it and not yet sent (it stopped reading) is
   * disconnected at once, without waiting for drainTimeoutMs: what the broker holds for it stays bounded
   * while the other subscribers go on receiving (faults.md #24). @default 4 MiB
   */
  readonly maxUnsentBytes?: number;
}

/** The options with every default applied. */
export interface BrokerSettings {
  readonly profile: BrokerProfile;
  readonly limits: BrokerLimits;
  /** Largest remaining length the socket guard lets through: the payload plus its variable header. */
  readonly maxRemainingLength: number;
  readonly connectTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly maxUnsentBytes: number;
}

// A PUBLISH variable header is the topic (2-byte length, the topic, and possibly a Basic Ingest prefix
// `$aws/rules/<rule name ≤ 128 chars>/`) and a 2-byte packet id; exact payload sizes are checked later.
const basicIngestPrefixBytes = '$aws/rules/'.length + 128 + 1;

const limitSchema = z.union([z.number().int().positive(), z.literal(Number.POSITIVE_INFINITY)]);
const settingsSchema = z.object({
  profile: z.enum(['aws', 'mqtt-3.1.1']),
  limits: z.object({
    maxPayloadBytes: z.number().int().positive(),
    maxTopicBytes: z.number().int().positive().max(65_535),
    maxTopicSlashes: limitSchema,
    maxFiltersPerSubscribe: limitSchema,
    maxSubscriptionsPerConnection: limitSchema,
    maxClientIdBytes: z.number().int().positive().max(65_535),
    maxInflightOutbound: limitSchema,
    maxPublishesPerSecondPerConnection: limitSchema,
    maxRetainedMessages: limitSchema,
    maxConnectsPerSecondPerClientId: limitSchema,
    maxConnectsPerSecondPerAccount: limitSchema,
    maxConnections: limitSchema,
    maxConnectionsPerAddress: limitSchema,
  }),
  maxRemainingLength: z.number().int().positive().max(268_435_455), // MQTT's largest remaining length
  connectTimeoutMs: z.number().int().positive(),
  drainTimeoutMs: z.number().int().positive(),
  maxUnsentBytes: z.number().int().positive(),
});

/** The options with every default applied; throws InvalidBrokerOptionsError naming the bad option. */
export function brokerSettingsOf(options: BrokerOptions): BrokerSettings {
  const profile = options.profile ?? 'aws';
  const limits = { ...(profile === 'aws' ? awsBrokerLimits : mqttSpecBrokerLimits), ...options.limits };
  const parsed = settingsSchema.safeParse({
    profile,
    limits,
    maxRemainingLength: limits.maxPayloadBytes + 2 + limits.maxTopicBytes + basicIngestPrefixBytes + 2,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
    maxUnsentBytes: options.maxUnsentBytes ?? 4 * 1024 * 1024,
  });
  if (!parsed.success) throw new InvalidBrokerOptionsError(parsed.error.issues);
  return parsed.data;
}

export class InvalidBrokerOptionsError extends Error {
  readonly code = 'INVALID_BROKER_OPTIONS';
  constructor(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
    super(
      `Invalid broker options: ${issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}. ` +
        'Fix these options of startBroker (limits are positive integers or Infinity; timeouts are milliseconds > 0)',
    );
    this.name = 'InvalidBrokerOptionsError';
  }
}
