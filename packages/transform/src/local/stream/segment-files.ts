// The segment files of one shard: named by the sequence number of their first record, so sorting
// the names sorts the records. Opening recovers the active (last) segment: a torn tail left by a
// crash is cut off, because its put never resolved and so no device got a PUBACK for it.
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@tributary/contracts';
import { makeDirectoryDurably, syncDirectory } from './durable-files.js';
import { SegmentScanner } from './segment-scanner.js';

export interface Segment {
  readonly firstSequence: number;
  readonly path: string;
}

const segmentNamePattern = /^(\d{20})\.seg$/;

export const segmentPathOf = (shardDir: string, firstSequence: number): string =>
  join(shardDir, `${String(firstSequence).padStart(20, '0')}.seg`);

/** The shard's segments, oldest first; a new shard gets an empty first segment. */
export async function listSegments(shardDir: string): Promise<Segment[]> {
  await makeDirectoryDurably(shardDir);
  const segments = (await readdir(shardDir))
    .map((name) => segmentNamePattern.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ firstSequence: Number(match[1]), path: join(shardDir, match[0]) }))
    .sort((a, b) => a.firstSequence - b.firstSequence);
  if (segments.length > 0) return segments;
  return [await createSegment(shardDir, 1)];
}

export async function createSegment(shardDir: string, firstSequence: number): Promise<Segment> {
  const path = segmentPathOf(shardDir, firstSequence);
  await (await open(path, 'a')).close();
  await syncDirectory(shardDir);
  return { firstSequence, path };
}

export interface RecoveredSegment {
  /** The sequence number of the last intact record (firstSequence - 1 when it has none). */
  readonly lastSequence: number;
  readonly bytes: number;
}

/** Scans a segment and truncates whatever follows its last intact, in-sequence record. */
export async function recoverSegment(segment: Segment, logger: Logger): Promise<RecoveredSegment> {
  const handle = await open(segment.path, 'r+');
  try {
    const scanner = new SegmentScanner(handle);
    let lastSequence = segment.firstSequence - 1;
    let stopReason = 'end of file';
    for (;;) {
      const frame = await scanner.next();
      if (frame.kind === 'end') break;
      if (frame.kind === 'invalid') {
        stopReason = frame.reason;
        break;
      }
      if (frame.record.sequenceNumber !== lastSequence + 1) {
        stopReason = `sequence ${frame.record.sequenceNumber} where ${lastSequence + 1} was expected`;
        break;
      }
      lastSequence = frame.record.sequenceNumber;
    }
    const { size } = await handle.stat();
    if (size > scanner.offset) {
      logger.warn('truncating the torn tail of a stream segment (a put that never resolved)', {
        segment: segment.path,
        validBytes: scanner.offset,
        droppedBytes: size - scanner.offset,
        reason: stopReason,
      });
      await handle.truncate(scanner.offset);
      await handle.sync();
    }
    return { lastSequence, bytes: scanner.offset };
  } finally {
    await handle.close();
  }
}
