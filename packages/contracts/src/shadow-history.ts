// One row per accepted shadow update: what the Device Shadow service publishes on
// `$aws/things/<thing>/shadow[/name/<shadowName>]/update/documents` (device-shadow-mqtt.html#update-documents-pub-sub-topic),
// flattened for the lake. The shadow sections are JSON text, so a schema-free document fits a Glue column.
import { z } from 'zod';
import { column } from './lake-columns.js';

export const ShadowHistoryRecord = z.object({
  thing_name: column.string(),
  /** Null for the classic (unnamed) shadow. */
  shadow_name: column.string().nullable(),
  /** `current.version`: one per accepted update of a shadow, so (thing, shadow, version) names the row. */
  version: column.bigint(),
  /** `previous.version`; null when the update created the shadow. */
  previous_version: column.bigint().nullable(),
  /** `current.state.reported` as JSON text; null when the shadow has no reported section. */
  reported: column.string().nullable(),
  /** `current.state.desired` as JSON text; null when the shadow has no desired section. */
  desired: column.string().nullable(),
  /** The update's own time (the message's `timestamp`, epoch seconds on AWS), in ms; not the partition time. */
  updated_at: column.timestamp(),
  client_token: column.string().nullable(),
  /** When the rule saw the update (IoT SQL `timestamp()`): places the row in its partition. */
  received_at: column.timestamp(),
});
export type ShadowHistoryRecord = z.infer<typeof ShadowHistoryRecord>;

/** Identifies an update across redeliveries: AWS never accepts two updates of one shadow with one version. */
export const shadowHistoryKey = (
  r: Pick<ShadowHistoryRecord, 'thing_name' | 'shadow_name' | 'version'>,
): string => `${r.thing_name}/${r.shadow_name ?? ''}/${String(r.version)}`;
