// The detectors' learning kept across restarts: the state of every series in one JSON file, replaced
// durably every minute and at stop, so a restarted platform scores at once instead of learning each
// series again. After a crash, the records replayed since the last save are learned a second time:
// a small bias in a few series' statistics, never a lost or doubled row.
import { readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@tributary/contracts';
import { DetectorStates } from '../core/detector-states.js';
import { makeDirectoryDurably, replaceFileDurably } from './stream/durable-files.js';

export interface DetectorStateFileOptions {
  readonly path: string;
  readonly logger: Logger;
  /** @default 60_000 */
  readonly saveEveryMs?: number;
}

/** The states saved at `path`; none saved yet gives fresh states, an unreadable file is set aside. */
export async function loadDetectorStates(options: DetectorStateFileOptions): Promise<DetectorStates> {
  let text: string;
  try {
    text = await readFile(options.path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new DetectorStates();
    throw error;
  }
  try {
    return DetectorStates.fromJSON(JSON.parse(text) as Record<string, unknown>);
  } catch (error) {
    const asidePath = `${options.path}.unreadable-${Date.now()}`;
    await rename(options.path, asidePath);
    options.logger.warn('detector state unreadable: every series learns again', { asidePath, error });
    return new DetectorStates();
  }
}

/** Saves `states` every `saveEveryMs`; the returned stop saves them a last time. */
export function keepSavingDetectorStates(
  states: DetectorStates,
  options: DetectorStateFileOptions,
): () => Promise<void> {
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    // Serialised synchronously: a consistent snapshot between two batches.
    const json = JSON.stringify(states);
    saving = saving
      .then(async () => {
        await makeDirectoryDurably(dirname(options.path));
        await replaceFileDurably(options.path, json);
      })
      .catch((error: unknown) => options.logger.warn('detector state not saved', { error }));
    return saving;
  };
  const timer = setInterval(save, options.saveEveryMs ?? 60_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await save();
  };
}
