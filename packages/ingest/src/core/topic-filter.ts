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
  // Walks the topic level by level with indexOf, without splitting it: every publish is checked.
  return (topic) => {
    if (leadingWildcard && topic.startsWith('$')) return false;
    let start = 0;
    for (let i = 0; i < filterLevels.length; i++) {
      const level = filterLevels[i]!;
      if (level === '#') return start <= topic.length;
      if (start > topic.length) return false;
      const slash = topic.indexOf('/', start);
      const end = slash < 0 ? topic.length : slash;
      if (level !== '+' && (end - start !== level.length || !topic.startsWith(level, start))) return false;
      start = end + 1;
    }
    return start > topic.length;
  };
}
