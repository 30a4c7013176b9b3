// The default device policy: a certificate attached to thing T connects only as T (and only while
// attached), publishes telemetry on T's topic, and uses T's classic and named shadows — nothing else.
// Policy variables are resolved per connection by AWS IoT Core (thing-policy-variables.html) and by the
// local evaluator in ./iot-policy alike.
import { topics } from '@tributary/contracts';
import type { IotPolicyDocument } from './iot-policy/document.js';

const thing = '${iot:Connection.Thing.ThingName}';

/**
 * Shadow requests a device may publish: get/update/delete of the classic shadow and of any named shadow
 * (device-shadow-mqtt.html). The response topics (`…/accepted`, `…/rejected`, `…/delta`, `…/documents`)
 * are the shadow service's to publish, so devices only subscribe to and receive them.
 */
const shadowRequestTopics = ['get', 'update', 'delete'].flatMap((operation) => [
  `${topics.shadow(thing)}/${operation}`,
  `${topics.shadow(thing)}/name/*/${operation}`,
]);

/** The name the IoTCoreStack gives the default device policy, and the local endpoint too. */
export const devicePolicyName = 'tributary-device';

export function devicePolicyDocument(partition: string, region: string, account: string): IotPolicyDocument {
  const arn = (resource: string) => `arn:${partition}:iot:${region}:${account}:${resource}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: arn(`client/${thing}`),
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: arn(`topic/${topics.telemetry(thing)}`) },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: shadowRequestTopics.map((t) => arn(`topic/${t}`)) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn(`topicfilter/${topics.shadow(thing)}/*`) },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: arn(`topic/${topics.shadow(thing)}/*`) },
    ],
  };
}
