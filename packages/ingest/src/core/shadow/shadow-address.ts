// Which shadow a request is for, and the reserved topics that carry it (device-shadow-mqtt.html).
import { shadowNamePattern, thingNamePattern, topics } from '@tributary/contracts';
import { ShadowRejection } from './shadow-rejection.js';

export interface ShadowAddress {
  readonly thingName: string;
  /** Absent for the classic (unnamed) shadow. */
  readonly shadowName?: string;
}

export type ShadowOperation = 'get' | 'update' | 'delete';

export interface ShadowTopicRequest {
  readonly address: ShadowAddress;
  readonly operation: ShadowOperation;
}

/** Rejects names that do not match the UpdateThingShadow API patterns (they reach SQL and file paths). */
export function validateShadowAddress(address: ShadowAddress): ShadowRejection | undefined {
  if (!thingNamePattern.test(address.thingName))
    return ShadowRejection.invalidName('thing', address.thingName);
  if (address.shadowName !== undefined && !shadowNamePattern.test(address.shadowName)) {
    return ShadowRejection.invalidName('shadow', address.shadowName);
  }
  return undefined;
}

/** `$aws/things/<thing>/shadow[/name/<shadowName>]` */
export function shadowTopicPrefix(address: ShadowAddress): string {
  const classic = topics.shadow(address.thingName);
  return address.shadowName === undefined ? classic : `${classic}/name/${address.shadowName}`;
}

/** The name AWS quotes in "No shadow exists with name: '...'". */
export function shadowDisplayName(address: ShadowAddress): string {
  return address.shadowName ?? address.thingName;
}

const operations: readonly string[] = ['get', 'update', 'delete'];

/**
 * The request a publish topic asks for, or undefined when the topic is not a shadow request topic
 * (response topics such as `/update/accepted` included: those are subscribe-only).
 */
export function parseShadowRequestTopic(topic: string): ShadowTopicRequest | undefined {
  // Every publish is asked; most are telemetry, answered without splitting.
  if (!topic.startsWith('$aws/things/')) return undefined;
  const levels = topic.split('/');
  if (levels[0] !== '$aws' || levels[1] !== 'things' || levels[3] !== 'shadow') return undefined;
  const thingName = levels[2] ?? '';
  let address: ShadowAddress;
  let operation: string | undefined;
  if (levels.length === 5) {
    address = { thingName };
    operation = levels[4];
  } else if (levels.length === 7 && levels[4] === 'name') {
    address = { thingName, shadowName: levels[5] ?? '' };
    operation = levels[6];
  } else {
    return undefined;
  }
  if (operation === undefined || !operations.includes(operation)) return undefined;
  if (validateShadowAddress(address)) return undefined;
  return { address, operation: operation as ShadowOperation };
}
