// The stream's on-disk frames: what encodeFrames writes, decodeFrame reads back exactly, multi-byte UTF-8
// included, and a flipped byte is caught by the CRC instead of being read as a record.
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrames, type StoredRecord } from '../../src/local/stream/record-frame.js';
import { envelope } from './stream-test-kit.js';

const records: StoredRecord[] = [
  { sequenceNumber: 41, approximateArrivalTimestamp: 1_764_000_000_001, data: envelope('pump-7', 1) },
  {
    sequenceNumber: 42,
    approximateArrivalTimestamp: 1_764_000_000_002,
    data: { ...envelope('pump-7', 2), clientId: 'Zürich ☃ 😀' },
  },
  { sequenceNumber: 43, approximateArrivalTimestamp: 1_764_000_000_003, data: envelope('pump-8', 3) },
];

function decodeAll(buffer: Buffer) {
  const decoded = [];
  for (let offset = 0; offset < buffer.length;) {
    const frame = decodeFrame(buffer, offset);
    if (frame.kind !== 'record') return { decoded, stoppedAt: offset, frame };
    decoded.push(frame.record);
    offset += frame.frameBytes;
  }
  return { decoded };
}

describe('record frames', () => {
  it('reads back every record of a group, in order, multi-byte characters included', () => {
    expect(decodeAll(encodeFrames(records)).decoded).toEqual(records);
  });

  it('refuses a frame whose bytes changed, and stops there', () => {
    const frames = encodeFrames(records);
    const secondFrameStart = frames.length - encodeFrames(records.slice(1)).length;
    frames[secondFrameStart + 40] = (frames[secondFrameStart + 40] as number) ^ 0xff;
    const { decoded, frame } = decodeAll(frames);
    expect(decoded).toEqual(records.slice(0, 1));
    expect(frame).toEqual({ kind: 'invalid', reason: 'CRC32 mismatch' });
  });
});
