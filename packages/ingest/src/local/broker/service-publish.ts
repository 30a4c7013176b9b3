// Publishes a message as IoT Core itself, with no client behind it — how subscribers receive shadow
// responses and the platform's own events. Resolves once aedes has stored and routed it.
import type { Aedes } from 'aedes';

export function publishAsService(
  aedes: Aedes,
  topic: string,
  payload: Buffer | string,
  qos: 0 | 1 = 1,
): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    aedes.publish(
      { cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
}
