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

/** The thing name in a telemetry topic, or undefined if the topic is not a telemetry topic. */
export function thingNameFromTelemetryTopic(topic: string): string | undefined {
  const levels = topic.split('/');
  if (levels.length !== 4) return undefined;
  const [dt, app, thingName, dataType] = levels;
  if (dt !== 'dt' || app !== application || dataType !== 'telemetry') return undefined;
  return thingName !== undefined && thingNamePattern.test(thingName) ? thingName : undefined;
}
