// Which topic names a client may publish to and which filters it may subscribe to, per profile.
// AWS: reserved-topics.html (only documented `$aws/...` topics), iot-core.html#message-broker-limits
// (7 slashes, 256 bytes, the Basic Ingest prefix not counted: iot-basic-ingest.html).
import { BrokerRefusalError } from './refusals.js';
import type { BrokerSettings } from './options.js';

const basicIngestPrefix = /^\$aws\/rules\/[^/]+\//;

export function publishTopicRefusal(topic: string, settings: BrokerSettings): BrokerRefusalError | undefined {
  const invalid = topicNameRefusal(topic);
  if (invalid) return invalid;
  if (settings.profile === 'mqtt-3.1.1') {
    // aedes's own rule for the spec profile: `$SYS` belongs to the broker (MQTT 4.7.2).
    return topic.startsWith('$SYS')
      ? new BrokerRefusalError('RESERVED_TOPIC', `Topic "${topic}" is reserved for the broker ($SYS)`)
      : undefined;
  }
  if (topic.startsWith('$') && !topic.startsWith('$aws/')) {
    return new BrokerRefusalError(
      'RESERVED_TOPIC',
      `Topic "${topic}" starts with $ but is not an AWS reserved topic ($aws/...); rename it without the $`,
    );
  }
  return sizeRefusal(
    topic.startsWith('$aws/rules/') ? topic.replace(basicIngestPrefix, '') : topic,
    settings,
  );
}

/**
 * What makes a string no topic name at all (MQTT 4.7.3, 3.3.2). aedes refuses these in a client's
 * PUBLISH but not in a Will, which it takes from CONNECT unchecked and publishes when the connection
 * ends: this check also runs on the Will (authorizePublish), so it is never published to `''` or `a/#`.
 */
function topicNameRefusal(topic: string): BrokerRefusalError | undefined {
  if (topic.length === 0) {
    return new BrokerRefusalError('INVALID_TOPIC', 'Topic name is empty, which MQTT forbids (MQTT-4.7.3-1)');
  }
  if (topic.includes('\u0000')) {
    return new BrokerRefusalError(
      'INVALID_TOPIC',
      'Topic contains U+0000, which MQTT forbids (MQTT-4.7.3-2)',
    );
  }
  if (topic.includes('+') || topic.includes('#')) {
    return new BrokerRefusalError(
      'INVALID_TOPIC',
      `Topic name "${topic.slice(0, 64)}" contains a wildcard (+ or #), which only filters may (MQTT-3.3.2-2)`,
    );
  }
  return undefined;
}

export function subscribeFilterRefusal(
  filter: string,
  settings: BrokerSettings,
): BrokerRefusalError | undefined {
  if (filter.includes('\u0000')) {
    return new BrokerRefusalError('INVALID_TOPIC', `Topic filter contains U+0000, which MQTT forbids`);
  }
  if (settings.profile === 'aws' && filter.startsWith('$')) {
    if (!filter.startsWith('$aws/')) {
      return new BrokerRefusalError(
        'RESERVED_TOPIC',
        `Topic filter "${filter}" is not an AWS reserved topic`,
      );
    }
    if (filter.startsWith('$aws/rules/')) {
      return new BrokerRefusalError(
        'RESERVED_TOPIC',
        `Basic Ingest topics ("${filter}") go straight to the rules engine and cannot be subscribed to`,
      );
    }
  }
  return sizeRefusal(filter, settings);
}

export function payloadRefusal(
  payloadBytes: number,
  settings: BrokerSettings,
): BrokerRefusalError | undefined {
  const limit = settings.limits.maxPayloadBytes;
  return payloadBytes > limit
    ? new BrokerRefusalError(
        'PAYLOAD_LIMIT_EXCEEDED',
        `Payload of ${payloadBytes} bytes exceeds the ${limit}-byte limit; split the message or store it elsewhere`,
      )
    : undefined;
}

function sizeRefusal(topic: string, settings: BrokerSettings): BrokerRefusalError | undefined {
  const { maxTopicBytes, maxTopicSlashes } = settings.limits;
  const bytes = Buffer.byteLength(topic);
  if (bytes > maxTopicBytes) {
    return new BrokerRefusalError(
      'TOPIC_LIMIT_EXCEEDED',
      `Topic "${topic.slice(0, 64)}..." is ${bytes} bytes; the limit is ${maxTopicBytes}`,
    );
  }
  let slashes = 0;
  for (let at = topic.indexOf('/'); at >= 0; at = topic.indexOf('/', at + 1)) slashes++;
  if (slashes > maxTopicSlashes) {
    return new BrokerRefusalError(
      'TOPIC_LIMIT_EXCEEDED',
      `Topic "${topic}" has ${slashes} forward slashes; the limit is ${maxTopicSlashes}`,
    );
  }
  return undefined;
}
