// The worker thread of a ParquetPublisher (parquet-publisher.ts): creates the file's directory, writes each
// requested file to its temp name through a DuckDB of its own, then makes it durable and visible with
// synchronous calls — fsync it, rename it into place, fsync its directory and, the first time, each parent —
// one request at a time.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { DuckDBInstance } from '@duckdb/node-api';
import type { PublishReply, PublishRequest } from './parquet-publisher.js';
import { writeParquetFile } from './parquet-file-writing.js';

const port = parentPort;
if (!port) throw new Error('parquet-publisher-worker runs only as a worker thread (see ParquetPublisher).');

// Its files are written, never read here: caching file contents would hold memory for nothing.
const instance = await DuckDBInstance.create(':memory:', { enable_external_file_cache: 'false' });
const connection = await instance.connect();

const syncPath = (path: string, flags: string): void => {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Directories synced with every parent up to their request's `syncUpTo` by this worker: a later file in one
 * needs only the directory itself synced, for its rename.
 */
const durableDirectories = new Set<string>();

async function publish(request: PublishRequest): Promise<PublishReply> {
  const { id, table, batch, temporaryFile, dataFile, syncFrom, syncUpTo } = request;
  let renamed = false;
  try {
    // Here rather than on the caller's event loop, where an mkdir waits its turn in libuv's thread pool behind
    // the stream's fsyncs and DuckDB's queries: traced in the e2e bench, 25–36 ms a file (p50), 55–130 ms (p90).
    const created = mkdirSync(dirname(dataFile), { recursive: true });
    await writeParquetFile(connection, table, batch, temporaryFile);
    syncPath(temporaryFile, 'r+');
    renameSync(temporaryFile, dataFile);
    renamed = true;
    // A directory created (or one this worker has not synced before, which another may have created) is
    // durable only once its parent is synced too.
    const syncParents = created !== undefined || !durableDirectories.has(syncFrom);
    for (let directory = syncFrom; ; directory = dirname(directory)) {
      syncPath(directory, 'r');
      if (!syncParents || directory === syncUpTo || dirname(directory) === directory) break;
    }
    if (syncParents) durableDirectories.add(syncFrom);
    return { id, renamed };
  } catch (error) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    return {
      id,
      renamed,
      error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined },
    };
  }
}

// One request at a time: the staging tables are per table on one connection, and a file's write and its
// fsyncs belong together. A close comes after every request sent before it.
let turn: Promise<unknown> = Promise.resolve();
port.on('message', (message: PublishRequest | { readonly close: true }) => {
  if ('close' in message) {
    turn = turn.then(() => {
      connection.closeSync();
      instance.closeSync();
      port.close();
    });
    return;
  }
  turn = turn.then(async () => port.postMessage(await publish(message)));
});
