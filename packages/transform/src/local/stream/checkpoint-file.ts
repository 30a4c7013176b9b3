// A shard's checkpoint: the sequence number of the last record whose output is durable. Written
// only after the processor resolved, and atomically, so a crash leaves the old or the new one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFileDurably } from './durable-files.js';

const checkpointFileName = 'checkpoint.json';

/** 0 when the shard was never checkpointed: consumption starts at its oldest retained record. */
export async function readCheckpoint(shardDir: string): Promise<number> {
  try {
    const saved = JSON.parse(await readFile(join(shardDir, checkpointFileName), 'utf8')) as {
      sequenceNumber?: unknown;
    };
    return typeof saved.sequenceNumber === 'number' ? saved.sequenceNumber : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

export async function writeCheckpoint(shardDir: string, sequenceNumber: number): Promise<void> {
  await replaceFileDurably(join(shardDir, checkpointFileName), JSON.stringify({ sequenceNumber }) + '\n');
}
