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

/** The frames of `records`, one after the other in one buffer: each JSON is encoded once, in place. */
export function encodeFrames(records: readonly StoredRecord[]): Buffer {
  const jsons = records.map((record) => JSON.stringify(record.data));
  const jsonBytes = jsons.map((json) => Buffer.byteLength(json, 'utf8'));
  const frames = Buffer.allocUnsafe(
    jsonBytes.reduce((total, bytes) => total + headerBytes + fixedBodyBytes + bytes, 0),
  );
  let offset = 0;
  for (const [index, record] of records.entries()) {
    const bodyBytes = fixedBodyBytes + (jsonBytes[index] as number);
    frames.writeUInt32LE(bodyBytes, offset);
    const body = offset + headerBytes;
    frames.writeUInt8(formatVersion, body);
    frames.writeBigUInt64LE(BigInt(record.sequenceNumber), body + 1);
    frames.writeDoubleLE(record.approximateArrivalTimestamp, body + 9);
    frames.write(jsons[index] as string, body + fixedBodyBytes, 'utf8');
    frames.writeUInt32LE(crc32(frames.subarray(body, body + bodyBytes)), offset + 4);
    offset = body + bodyBytes;
  }
  return frames;
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
