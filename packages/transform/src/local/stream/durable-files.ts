// Small file operations whose result survives a crash: an fsync'd directory entry, and a whole-file
// replace that a reader sees either before or after, never half written (temp + fsync + rename).
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes created, renamed or deleted entries of `directory` durable (a file's own fsync does not). */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function replaceFileDurably(path: string, contents: string): Promise<void> {
  const temporaryPath = `${path}.tmp`;
  const handle = await open(temporaryPath, 'w');
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporaryPath, path);
  await syncDirectory(dirname(path));
}

/** Creates `path` (and missing parents) so that the new entries survive a crash. */
export async function makeDirectoryDurably(path: string): Promise<void> {
  const firstCreated = await mkdir(path, { recursive: true });
  if (firstCreated === undefined) return;
  for (let created = path; ; created = dirname(created)) {
    await syncDirectory(dirname(created));
    if (created === firstCreated) return;
  }
}
