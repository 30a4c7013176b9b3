// Reads the frames of one segment file in order, a chunk at a time, so memory holds a chunk and
// never the whole segment. It can be asked again after the file grew: the active segment does.
import type { FileHandle } from 'node:fs/promises';
import { decodeFrame, type StoredRecord } from './record-frame.js';

const chunkBytes = 256 * 1024;

export type ScannedFrame =
  | { readonly kind: 'record'; readonly record: StoredRecord }
  /** No complete frame after the current offset (yet): the end of what has been written. */
  | { readonly kind: 'end' }
  /** The bytes at the current offset are not a frame: a torn or corrupted write. */
  | { readonly kind: 'invalid'; readonly reason: string };

export class SegmentScanner {
  private buffer: Buffer = Buffer.alloc(0);
  private bufferStart: number;
  private cursor = 0;

  constructor(
    private readonly handle: FileHandle,
    startOffset = 0,
  ) {
    this.bufferStart = startOffset;
  }

  /** The file offset of the next frame: after a scan ends, where the valid part of the file ends. */
  get offset(): number {
    return this.bufferStart + this.cursor;
  }

  async next(): Promise<ScannedFrame> {
    for (;;) {
      const decoded = decodeFrame(this.buffer, this.cursor);
      if (decoded.kind === 'record') {
        this.cursor += decoded.frameBytes;
        return decoded;
      }
      if (decoded.kind === 'invalid') return decoded;
      if ((await this.readMore()) === 0) return { kind: 'end' };
    }
  }

  private async readMore(): Promise<number> {
    const unread = this.buffer.subarray(this.cursor);
    const chunk = Buffer.allocUnsafe(chunkBytes);
    const { bytesRead } = await this.handle.read(chunk, 0, chunkBytes, this.offset + unread.length);
    this.bufferStart = this.offset;
    this.buffer = Buffer.concat([unread, chunk.subarray(0, bytesRead)]);
    this.cursor = 0;
    return bytesRead;
  }
}
