// MQTT topic filter matching with AWS IoT Core's semantics: `+` matches one level, `#` any number of
// levels below its parent, and — unlike the MQTT spec — `a/#` does not match `a` (mqtt.html#mqtt-differences).

export function topicMatches(filter: string, topic: string): boolean {
  return compileTopicFilter(filter)(topic);
}

/** A matcher for one filter, split once: what a rule or subscription checks every message against. */
export function compileTopicFilter(filter: string): (topic: string) => boolean {
  const filterLevels = filter.split('/');
  // Wildcards never match topics starting with $ at the first level (MQTT-4.7.2-1).
  const leadingWildcard = filterLevels[0] === '+' || filterLevels[0] === '#';
  const exact = !filterLevels.some((level) => level === '+' || level === '#');
  if (exact) return (topic) => topic === filter;
  return (topic) => {
    if (leadingWildcard && topic.startsWith('$')) return false;
    const topicLevels = topic.split('/');
    for (let i = 0; i < filterLevels.length; i++) {
      const level = filterLevels[i];
      if (level === '#') return topicLevels.length > i;
      if (i >= topicLevels.length) return false;
      if (level !== '+' && level !== topicLevels[i]) return false;
    }
    return filterLevels.length === topicLevels.length;
  };
}
