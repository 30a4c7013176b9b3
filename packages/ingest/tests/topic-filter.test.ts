import { describe, expect, it } from 'vitest';
import { topicMatches } from '../src/core/index.js';

describe('topicMatches (AWS IoT semantics, mqtt.html#mqtt-differences)', () => {
  it.each([
    ['dt/tributary/+/telemetry', 'dt/tributary/pump-7/telemetry', true],
    ['dt/tributary/+/telemetry', 'dt/tributary/pump-7/telemetry/x', false],
    ['dt/#', 'dt/tributary/pump-7/telemetry', true],
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
    ['+/+', 'a/b', true],
    ['+', 'a/b', false],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it('does not match the parent level with a multi-level wildcard, unlike the MQTT spec', () => {
    expect(topicMatches('sensor/#', 'sensor')).toBe(false);
    expect(topicMatches('sensor/#', 'sensor/a')).toBe(true);
  });

  it('never matches $-topics with a leading wildcard (MQTT-4.7.2-1)', () => {
    expect(topicMatches('#', '$aws/things/t/shadow/update')).toBe(false);
    expect(topicMatches('+/things/t/shadow/update', '$aws/things/t/shadow/update')).toBe(false);
    expect(topicMatches('$aws/things/+/shadow/update', '$aws/things/t/shadow/update')).toBe(true);
  });
});
