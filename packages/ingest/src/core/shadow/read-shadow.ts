// GET and DELETE of a whole shadow (device-shadow-data-flow.html): get returns the full document with its
// delta; delete forgets the state but remembers the version, so a re-created shadow continues it.
import type { ShadowDeleteAccepted, ShadowDocument } from '@tributary/contracts';
import { metadataCovering } from './merge-section.js';
import { shadowDisplayName, type ShadowAddress } from './shadow-address.js';
import { shadowDelta } from './shadow-delta.js';
import { isLiveShadow, presentSections, type ShadowRecord } from './shadow-record.js';
import { ShadowRejection } from './shadow-rejection.js';

export function getShadowDocument(
  address: ShadowAddress,
  current: ShadowRecord | undefined,
  nowSeconds: number,
  clientToken?: string,
): ShadowDocument | ShadowRejection {
  if (!isLiveShadow(current))
    return ShadowRejection.noShadow(shadowDisplayName(address)).withClientToken(clientToken);
  const delta = shadowDelta(current.state.desired, current.state.reported);
  const deltaPart = delta === undefined ? {} : { delta };
  const deltaMetadata =
    delta === undefined ? {} : { delta: metadataCovering(delta, current.metadata.desired) };
  return {
    state: { ...presentSections(current.state), ...deltaPart },
    metadata: { ...presentSections(current.metadata), ...deltaMetadata },
    version: current.version,
    timestamp: nowSeconds,
    ...(clientToken === undefined ? {} : { clientToken }),
  };
}

export interface AcceptedShadowDelete {
  readonly record: ShadowRecord;
  readonly accepted: ShadowDeleteAccepted;
}

export function deleteShadow(
  address: ShadowAddress,
  current: ShadowRecord | undefined,
  nowSeconds: number,
  clientToken?: string,
): AcceptedShadowDelete | ShadowRejection {
  if (!isLiveShadow(current))
    return ShadowRejection.noShadow(shadowDisplayName(address)).withClientToken(clientToken);
  return {
    record: { state: {}, metadata: {}, version: current.version, deletedAt: nowSeconds },
    accepted: {
      version: current.version,
      timestamp: nowSeconds,
      ...(clientToken === undefined ? {} : { clientToken }),
    },
  };
}
