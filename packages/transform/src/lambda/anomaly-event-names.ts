// How anomaly events are named on EventBridge: what the Enrichment Lambda puts and AnomalyDetectionStack's
// rule matches, in one place so the two cannot drift apart.
import type { AnomalyEvent } from '@tributary/contracts';

/** The `source` of every Transform event. */
export const anomalyEventSource = 'tributary.transform';

/** The `detail-type` of an anomaly event, by its state. */
export const anomalyDetailTypes = {
  raised: 'Tributary Anomaly Raised',
  cleared: 'Tributary Anomaly Cleared',
} as const satisfies Record<AnomalyEvent['state'], string>;
