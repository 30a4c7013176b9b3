// Encodes a rejection in CBOR (RFC 8949) so a device that asked on a `…/cbor` topic can decode why it was
// refused. Only what a rejection holds — a map of text keys to text or unsigned integers — so no CBOR
// library is needed for it.
import type { ProvisioningRejection } from './provisioning-rejections.js';

export function cborEncodeRejection(rejection: ProvisioningRejection): Buffer {
  const entries = Object.entries(rejection) as [string, string | number][];
  return Buffer.concat([
    head(5, entries.length),
    ...entries.flatMap(([key, value]) => [
      text(key),
      typeof value === 'number' ? head(0, value) : text(value),
    ]),
  ]);
}

function text(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([head(3, bytes.length), bytes]);
}

/** The initial byte(s) of a data item: major type and argument (RFC 8949 §3). */
function head(majorType: number, argument: number): Buffer {
  const major = majorType << 5;
  if (argument < 24) return Buffer.from([major | argument]);
  if (argument < 0x100) return Buffer.from([major | 24, argument]);
  if (argument < 0x10000) {
    const bytes = Buffer.alloc(3);
    bytes[0] = major | 25;
    bytes.writeUInt16BE(argument, 1);
    return bytes;
  }
  const bytes = Buffer.alloc(5);
  bytes[0] = major | 26;
  bytes.writeUInt32BE(argument, 1);
  return bytes;
}
