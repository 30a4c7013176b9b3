// Device Shadow quotas the local service enforces (aws-iot-behaviour.md b-5; device-shadow-document.html).

/** `desired` + `reported` of one shadow, serialized, metadata excluded (AWS quota "8 KB per shadow"). */
export const maxShadowStateBytes = 8 * 1024;
/**
 * Levels inside `desired`/`reported`, the section itself being level 1: the error text says "maximum is 6",
 * and it matches the quota of 8 levels for the whole document (root, state, section + 5).
 */
export const maxSectionDepth = 6;
/** device-shadow-document.html, "Client tokens": longer gives 400 "Invalid clientToken". */
export const maxClientTokenBytes = 64;
/** A deleted shadow re-created within 48 h continues its version; later it starts from 0 (device-shadow-data-flow.html). */
export const versionMemorySeconds = 48 * 60 * 60;
/** device-shadow-error-messages.html: more than 10 in-flight requests on one connection gives 429. */
export const maxInFlightRequestsPerConnection = 10;
