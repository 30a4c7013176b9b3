// fsync for files and directories: a rename is durable only once the directory holding it is synced.
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs `from` and each parent up to `upTo`, so new directories and the renamed file survive a crash. */
export async function syncDirectories(from: string, upTo: string): Promise<void> {
  for (let directory = from; ; directory = dirname(directory)) {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (directory === upTo || dirname(directory) === directory) return;
  }
}
