// The default device policy, evaluated as AWS IoT Core would for thing "pump-7": it may do what a
// device of the local platform does — connect as itself, publish its telemetry, use its own classic and
// named shadows (device-shadow-mqtt.html) — and nothing else.
import { describe, expect, it } from 'vitest';
import { topics } from '@tributary/contracts';
import { devicePolicyDocument } from '../../src/core/device-policy.js';
import { parseIotPolicy, type BrokerOperation } from '../../src/core/iot-policy/index.js';
import { allowed, attachedAs, location, unattached } from './fixtures.js';

const devicePolicy = parseIotPolicy(
  'tributary-device',
  devicePolicyDocument('aws', location.region, location.account),
);
const asPump7 = attachedAs();
const may = (operation: BrokerOperation) => allowed(devicePolicy, operation, asPump7);
const shadow7 = topics.shadow('pump-7');

describe('the default device policy (thing-policy-variables.html, device-shadow-mqtt.html)', () => {
  it('connects a thing as itself, only while its certificate is attached', () => {
    expect(may({ action: 'iot:Connect', clientId: 'pump-7' })).toBe(true);
    const spoofed = { action: 'iot:Connect', clientId: 'pump-8' } as const;
    expect(allowed(devicePolicy, spoofed, attachedAs(undefined, 'pump-8'))).toBe(false);
    expect(allowed(devicePolicy, { action: 'iot:Connect', clientId: 'pump-7' }, unattached('pump-7'))).toBe(
      false,
    );
  });

  it("publishes the thing's telemetry, and not another thing's or any other topic", () => {
    expect(may({ action: 'iot:Publish', topic: topics.telemetry('pump-7') })).toBe(true);
    expect(may({ action: 'iot:Publish', topic: topics.telemetry('pump-8') })).toBe(false);
    expect(may({ action: 'iot:Publish', topic: 'dt/tributary/pump-7/commands' })).toBe(false);
    expect(may({ action: 'iot:RetainPublish', topic: topics.telemetry('pump-7') })).toBe(false);
  });

  it('sends get/update/delete requests for its classic and named shadows', () => {
    for (const operation of ['get', 'update', 'delete']) {
      expect(may({ action: 'iot:Publish', topic: `${shadow7}/${operation}` })).toBe(true);
      expect(may({ action: 'iot:Publish', topic: `${shadow7}/name/config/${operation}` })).toBe(true);
    }
  });

  it("does not publish on the shadow service's response topics or on another thing's shadow", () => {
    expect(may({ action: 'iot:Publish', topic: `${shadow7}/update/accepted` })).toBe(false);
    expect(may({ action: 'iot:Publish', topic: `${shadow7}/name/config/update/delta` })).toBe(false);
    expect(may({ action: 'iot:Publish', topic: `${topics.shadow('pump-8')}/update` })).toBe(false);
  });

  it('subscribes to and receives its own shadow responses, classic and named', () => {
    for (const topic of [
      `${shadow7}/update/accepted`,
      `${shadow7}/update/delta`,
      `${shadow7}/name/config/get/accepted`,
    ]) {
      expect(may({ action: 'iot:Subscribe', topicFilter: topic })).toBe(true);
      expect(may({ action: 'iot:Receive', topic })).toBe(true);
    }
  });

  it("does not subscribe to or receive another thing's shadow, wildcards across things, or telemetry", () => {
    expect(may({ action: 'iot:Subscribe', topicFilter: `${topics.shadow('pump-8')}/update/accepted` })).toBe(
      false,
    );
    expect(may({ action: 'iot:Receive', topic: `${topics.shadow('pump-8')}/update/accepted` })).toBe(false);
    expect(may({ action: 'iot:Subscribe', topicFilter: '$aws/things/+/shadow/update/accepted' })).toBe(false);
    expect(may({ action: 'iot:Subscribe', topicFilter: '#' })).toBe(false);
    expect(may({ action: 'iot:Subscribe', topicFilter: topics.telemetryFilter })).toBe(false);
    expect(may({ action: 'iot:Receive', topic: topics.telemetry('pump-8') })).toBe(false);
  });

  it('does not grant the shadow REST actions, which devices of this platform do not use', () => {
    expect(may({ action: 'iot:GetThingShadow', thingName: 'pump-7' })).toBe(false);
  });
});
