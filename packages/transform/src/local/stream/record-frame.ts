// The on-disk frame of one stream record: length and CRC32 first, so a tail torn by a crash (a
// partial write, or a zero-filled block after power loss) is recognised and never read as a record.
//
//   u32 LE bodyLength | u32 LE crc32(body) | body = u8 version | u64 LE sequence | f64 LE arrival ms | JSON
import { crc32 } from 'node:zlib';
import type { TelemetryEnvelope } from '@tributary/contracts';

/** A record as the stream stores it: the envelope plus what Kinesis adds on arrival. */
export interface StoredRecord {
  readonly sequenceNumber: number;
  /** When the stream accepted the record (Kinesis: approximateArrivalTimestamp), epoch ms. */
  readonly approximateArrivalTimestamp: number;
  readonly data: TelemetryEnvelope;
}

const formatVersion = 1;
const headerBytes = 8;
const fixedBodyBytes = 1 + 8 + 8;

export function encodeFrame(record: StoredRecord): Buffer {
  const json = Buffer.from(JSON.stringify(record.data), 'utf8');
  const frame = Buffer.allocUnsafe(headerBytes + fixedBodyBytes + json.length);
  frame.writeUInt32LE(fixedBodyBytes + json.length, 0);
  frame.writeUInt8(formatVersion, headerBytes);
  frame.writeBigUInt64LE(BigInt(record.sequenceNumber), headerBytes + 1);
  frame.writeDoubleLE(record.approximateArrivalTimestamp, headerBytes + 9);
  json.copy(frame, headerBytes + fixedBodyBytes);
  frame.writeUInt32LE(crc32(frame.subarray(headerBytes)), 4);
  return frame;
}

export type DecodedFrame =
  | { readonly kind: 'record'; readonly record: StoredRecord; readonly frameBytes: number }
  /** The buffer ends inside the frame: read more bytes, or, at the end of the file, a torn tail. */
  | { readonly kind: 'incomplete' }
  /** The bytes are not a valid frame: a torn or corrupted write. */
  | { readonly kind: 'invalid'; readonly reason: string };

/** Decodes the frame that starts at `offset` of `buffer`. */
export function decodeFrame(buffer: Buffer, offset: number): DecodedFrame {
  if (buffer.length - offset < headerBytes) return { kind: 'incomplete' };
  const bodyLength = buffer.readUInt32LE(offset);
  if (bodyLength < fixedBodyBytes) return { kind: 'invalid', reason: `body length ${bodyLength} too small` };
  const end = offset + headerBytes + bodyLength;
  if (buffer.length < end) return { kind: 'incomplete' };
  const body = buffer.subarray(offset + headerBytes, end);
  if (crc32(body) !== buffer.readUInt32LE(offset + 4)) return { kind: 'invalid', reason: 'CRC32 mismatch' };
  if (body.readUInt8(0) !== formatVersion) return { kind: 'invalid', reason: `unknown version ${body[0]}` };
  try {
    const record: StoredRecord = {
      sequenceNumber: Number(body.readBigUInt64LE(1)),
      approximateArrivalTimestamp: body.readDoubleLE(9),
      data: JSON.parse(body.subarray(fixedBodyBytes).toString('utf8')) as TelemetryEnvelope,
    };
    return { kind: 'record', record, frameBytes: headerBytes + bodyLength };
  } catch (error) {
    return { kind: 'invalid', reason: `body is not JSON: ${String(error)}` };
  }
}
