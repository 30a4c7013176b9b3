// Device shadow documents as AWS IoT defines them (device-shadow-document.html).
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
