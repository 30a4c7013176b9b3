// MQTT topic filter matching with AWS IoT Core's semantics: `+` matches one level, `#` any number of
// levels below its parent, and — unlike the MQTT spec — `a/#` does not match `a` (mqtt.html#mqtt-differences).

export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  // Wildcards never match topics starting with $ at the first level (MQTT-4.7.2-1).
  if (topic.startsWith('$') && (filterLevels[0] === '+' || filterLevels[0] === '#')) return false;
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return topicLevels.length > i;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}
