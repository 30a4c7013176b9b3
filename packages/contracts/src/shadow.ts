// Device shadow documents as AWS IoT defines them (device-shadow-document.html). Every message the shadow
// service publishes on `$aws/things/<thing>/shadow[/name/<shadowName>]/...` has a schema here, because
// rules and downstream stages read them (e.g. `SELECT ... FROM '$aws/things/+/shadow/update/documents'`).
import { z } from 'zod';

const ShadowSection = z.record(z.string(), z.unknown());

export const ShadowState = z.object({
  desired: ShadowSection.nullable().optional(),
  reported: ShadowSection.nullable().optional(),
});

/** A request on `$aws/things/<thing>/shadow/update`. */
export const ShadowUpdateRequest = z.object({
  state: ShadowState.nullable(),
  clientToken: z.string().max(64).optional(),
  version: z.number().int().nonnegative().optional(),
});
export type ShadowUpdateRequest = z.infer<typeof ShadowUpdateRequest>;

/** The stored document, as `/get/accepted` returns it. Shadow timestamps are epoch seconds. */
export const ShadowDocument = z.object({
  state: ShadowState.extend({ delta: ShadowSection.optional() }),
  metadata: z.record(z.string(), z.unknown()).optional(),
  version: z.number().int().nonnegative(),
  timestamp: z.number().int(),
  clientToken: z.string().max(64).optional(),
});
export type ShadowDocument = z.infer<typeof ShadowDocument>;

/** `/update/accepted` (and the REST UpdateThingShadow body): only the sections and fields the request sent. */
export const ShadowUpdateAccepted = z.object({
  state: ShadowState.nullable(),
  metadata: z.record(z.string(), z.unknown()),
  version: z.number().int().nonnegative(),
  timestamp: z.number().int(),
  clientToken: z.string().max(64).optional(),
});
export type ShadowUpdateAccepted = z.infer<typeof ShadowUpdateAccepted>;

/** `/update/delta`: the desired fields that differ from reported, with their desired metadata. */
export const ShadowDeltaMessage = z.object({
  state: ShadowSection,
  metadata: z.record(z.string(), z.unknown()),
  version: z.number().int().nonnegative(),
  timestamp: z.number().int(),
  clientToken: z.string().max(64).optional(),
});
export type ShadowDeltaMessage = z.infer<typeof ShadowDeltaMessage>;

/** One side of `/update/documents`: state holds only desired/reported, never delta. */
export const ShadowSnapshot = z.object({
  state: ShadowState,
  metadata: z.record(z.string(), z.unknown()),
  version: z.number().int().nonnegative(),
});
export type ShadowSnapshot = z.infer<typeof ShadowSnapshot>;

/** `/update/documents`, on every accepted update. `previous` is absent when the update created the shadow. */
export const ShadowDocumentsMessage = z.object({
  previous: ShadowSnapshot.optional(),
  current: ShadowSnapshot,
  timestamp: z.number().int(),
  clientToken: z.string().max(64).optional(),
});
export type ShadowDocumentsMessage = z.infer<typeof ShadowDocumentsMessage>;

/** `/delete/accepted` (and the REST DeleteThingShadow body): the deleted shadow's version. */
export const ShadowDeleteAccepted = z.object({
  version: z.number().int().nonnegative(),
  timestamp: z.number().int(),
  clientToken: z.string().max(64).optional(),
});
export type ShadowDeleteAccepted = z.infer<typeof ShadowDeleteAccepted>;

/** The `rejected` topics and REST error bodies (device-shadow-error-messages.html). `code` is an HTTP status. */
export const ShadowErrorResponse = z.object({
  code: z.number().int(),
  message: z.string(),
  timestamp: z.number().int().optional(),
  clientToken: z.string().max(64).optional(),
});
export type ShadowErrorResponse = z.infer<typeof ShadowErrorResponse>;

/** REST ListNamedShadowsForThing: never lists the classic shadow. */
export const NamedShadowList = z.object({
  results: z.array(z.string()),
  nextToken: z.string().optional(),
  timestamp: z.number().int(),
});
export type NamedShadowList = z.infer<typeof NamedShadowList>;
