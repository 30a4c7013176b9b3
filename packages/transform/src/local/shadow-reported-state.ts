// Reads a thing's classic shadow `reported` section from the local Device Shadow service for enrichment.
// No shadow (404) means no reported state; any other refusal is an error the stream retries.
import type { ShadowRequests } from '@tributary/ingest/local';
import type { ReportedStateReader } from './thing-context-cache.js';

export function reportedStateFrom(shadows: Pick<ShadowRequests, 'get'>): ReportedStateReader {
  return {
    async reportedStateOf(thingName) {
      const answer = await shadows.get({ thingName });
      if ('state' in answer) return answer.state.reported ?? undefined;
      if (answer.code === 404) return undefined;
      throw new Error(
        `Reading the shadow of ${thingName} for enrichment failed: ${answer.code} ${answer.message}`,
      );
    },
  };
}
