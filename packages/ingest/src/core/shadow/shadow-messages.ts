// The MQTT messages an outcome turns into: topic + JSON payload, published through the broker so every
// subscriber (and every rule) sees them, not only the requester (device-shadow-mqtt.html).
import { shadowTopicPrefix, type ShadowAddress, type ShadowOperation } from './shadow-address.js';
import type { AcceptedShadowUpdate } from './apply-update.js';
import type { ShadowRejection } from './shadow-rejection.js';

export interface ShadowMessage {
  readonly topic: string;
  readonly payload: string;
}

/** Accepted first, then delta (only if any), then documents. */
export function updateAcceptedMessages(
  address: ShadowAddress,
  update: AcceptedShadowUpdate,
): ShadowMessage[] {
  const prefix = `${shadowTopicPrefix(address)}/update`;
  const messages: ShadowMessage[] = [
    { topic: `${prefix}/accepted`, payload: JSON.stringify(update.accepted) },
  ];
  if (update.delta) messages.push({ topic: `${prefix}/delta`, payload: JSON.stringify(update.delta) });
  messages.push({ topic: `${prefix}/documents`, payload: JSON.stringify(update.documents) });
  return messages;
}

export function acceptedMessage(
  address: ShadowAddress,
  operation: 'get' | 'delete',
  body: unknown,
): ShadowMessage {
  return { topic: `${shadowTopicPrefix(address)}/${operation}/accepted`, payload: JSON.stringify(body) };
}

export function rejectedMessage(
  address: ShadowAddress,
  operation: ShadowOperation,
  rejection: ShadowRejection,
  nowSeconds: number,
): ShadowMessage {
  return {
    topic: `${shadowTopicPrefix(address)}/${operation}/rejected`,
    payload: JSON.stringify(rejection.toErrorResponse(nowSeconds)),
  };
}
