// The MQTT topic scheme devices publish to, published by Ingest for every downstream stage.
// Shape follows the AWS IoT topic design whitepaper: dt/<application>/<thing>/<data-type>.
import { thingNamePattern } from './names.js';

export const application = 'tributary';

export const topics = {
  /** Where a thing publishes telemetry: one reading or a batch of readings per message. */
  telemetry: (thingName: string): string => `dt/${application}/${thingName}/telemetry`,
  /** The filter the telemetry rule listens on; `topic(3)` of a match is the thing name. */
  telemetryFilter: `dt/${application}/+/telemetry`,
  /**
   * Where the local platform publishes a series' alarm transitions (AnomalyEvent JSON); subscribe to
   * `tributary/anomalies/#` for all of them. On AWS the same events go to EventBridge and the alarm topic.
   */
  anomalyEvents: (thingName: string, metric: string): string =>
    `${application}/anomalies/${thingName}/${metric}`,
  /** Classic shadow topic prefix of a thing (AWS reserved topic). */
  shadow: (thingName: string): string => `$aws/things/${thingName}/shadow`,
} as const;

const telemetryTopicPrefix = `dt/${application}/`;
const telemetryTopicSuffix = '/telemetry';

/**
 * The thing name in a telemetry topic, or undefined if the topic is not a telemetry topic. Every message's
 * topic goes through here several times, so it is read in place rather than split into levels: a thing name
 * has no `/`, so the name between the prefix and the suffix is the third level of exactly four.
 */
export function thingNameFromTelemetryTopic(topic: string): string | undefined {
  if (!topic.startsWith(telemetryTopicPrefix) || !topic.endsWith(telemetryTopicSuffix)) return undefined;
  const thingName = topic.slice(telemetryTopicPrefix.length, topic.length - telemetryTopicSuffix.length);
  return thingNamePattern.test(thingName) ? thingName : undefined;
}
