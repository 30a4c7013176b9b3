// Turns the raw bytes of an update request into a checked request, or the rejection AWS would send
// (device-shadow-error-messages.html). Checks run in the order that lets the clientToken be echoed.
import { isJsonObject, nestingDepth, utf8ByteLength, type JsonObject, type JsonValue } from './json-tree.js';
import { maxClientTokenBytes, maxSectionDepth } from './shadow-limits.js';
import { ShadowRejection } from './shadow-rejection.js';

export type ShadowSectionName = 'desired' | 'reported';
export const shadowSectionNames: readonly ShadowSectionName[] = ['desired', 'reported'];

/** A section set to `null` removes it; an object is merged into it. */
export type RequestedSections = Partial<Record<ShadowSectionName, JsonObject | null>>;

export interface ShadowUpdate {
  /** `null` empties the shadow without deleting it (device-shadow-data-flow.html). */
  readonly state: RequestedSections | null;
  readonly clientToken?: string;
  readonly version?: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a request payload; 415 when it is not UTF-8, 400 when it is not a JSON object. */
export function decodeJsonPayload(payload: Uint8Array): JsonObject | ShadowRejection {
  let text: string;
  try {
    text = strictUtf8.decode(payload);
  } catch {
    return ShadowRejection.notUtf8();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return ShadowRejection.invalidJson();
  }
  return isJsonObject(parsed) ? parsed : ShadowRejection.invalidJson();
}

/** The request's clientToken if it is one AWS would accept, else a 400 rejection. */
export function readClientToken(request: JsonObject): string | undefined | ShadowRejection {
  const token = request['clientToken'];
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || utf8ByteLength(token) > maxClientTokenBytes) {
    return ShadowRejection.invalidClientToken();
  }
  return token;
}

export function parseUpdateRequest(payload: Uint8Array): ShadowUpdate | ShadowRejection {
  const request = decodeJsonPayload(payload);
  if (request instanceof ShadowRejection) return request;
  const clientToken = readClientToken(request);
  if (clientToken instanceof ShadowRejection) return clientToken;
  const checked = checkUpdateBody(request);
  if (checked instanceof ShadowRejection) return checked.withClientToken(clientToken);
  return { ...checked, ...(clientToken === undefined ? {} : { clientToken }) };
}

function checkUpdateBody(request: JsonObject): Omit<ShadowUpdate, 'clientToken'> | ShadowRejection {
  const version = request['version'];
  if (
    version !== undefined &&
    !(typeof version === 'number' && Number.isSafeInteger(version) && version >= 0)
  ) {
    return ShadowRejection.invalidVersion();
  }
  const versionPart = version === undefined ? {} : { version };
  if (!('state' in request)) return ShadowRejection.missingState();
  const state = request['state'];
  if (state === null) return { state: null, ...versionPart };
  if (!isJsonObject(state)) return ShadowRejection.stateNotObject();
  const sections: RequestedSections = {};
  for (const [key, value] of Object.entries(state)) {
    if (key !== 'desired' && key !== 'reported') return ShadowRejection.invalidStateNode();
    if (value !== null && !isJsonObject(value)) return ShadowRejection.sectionNotObject(key);
    if (value !== null && nestingDepth(value) > maxSectionDepth) return ShadowRejection.tooDeep();
    if (value !== null && !holdsOnlyStorableValues(value)) return ShadowRejection.invalidJson();
    sections[key] = value;
  }
  return { state: sections, ...versionPart };
}

/**
 * Arrays can't hold null (device-shadow-document.html, "Arrays"), and numbers must be finite:
 * JSON.parse reads 1e999 as Infinity, which would be stored as null without a word.
 */
function holdsOnlyStorableValues(value: JsonValue, insideArray = false): boolean {
  if (value === null) return !insideArray;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => holdsOnlyStorableValues(item, true));
  if (isJsonObject(value)) return Object.values(value).every((item) => holdsOnlyStorableValues(item));
  return true;
}
