import { describe, expect, it } from 'vitest';
import { compileTopicFilter, topicMatches } from '../src/core/index.js';

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

describe('compileTopicFilter', () => {
  /** The rule as the spec states it, level by level on split strings: what the compiled matcher must equal. */
  const byLevels = (filter: string, topic: string): boolean => {
    const filterLevels = filter.split('/');
    const topicLevels = topic.split('/');
    if (topic.startsWith('$') && (filterLevels[0] === '+' || filterLevels[0] === '#')) return false;
    for (let i = 0; i < filterLevels.length; i++) {
      if (filterLevels[i] === '#') return topicLevels.length > i;
      if (i >= topicLevels.length) return false;
      if (filterLevels[i] !== '+' && filterLevels[i] !== topicLevels[i]) return false;
    }
    return filterLevels.length === topicLevels.length;
  };
  const paths = (levels: readonly string[], depth: number): string[] =>
    depth === 1 ? [...levels] : paths(levels, depth - 1).flatMap((p) => levels.map((l) => `${p}/${l}`));
  const upTo3 = (levels: readonly string[]) => [1, 2, 3].flatMap((depth) => paths(levels, depth));

  it('agrees with level-by-level matching on every filter and topic of up to three levels', () => {
    const filters = upTo3(['a', 'b', '', '+', '#', 'ab']).filter((f) => !f.slice(0, -1).includes('#'));
    const topics = upTo3(['a', 'b', '', 'ab', '$x']);
    const disagreements = filters.flatMap((filter) => {
      const matches = compileTopicFilter(filter);
      return topics
        .filter((topic) => matches(topic) !== byLevels(filter, topic))
        .map((topic) => `${filter} vs ${topic}`);
    });
    expect(filters.length * topics.length).toBeGreaterThan(20_000);
    expect(disagreements).toEqual([]);
  });
});
