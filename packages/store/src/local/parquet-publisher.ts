// Publishes lake files off the event loop: a worker thread of its own writes each file to a temp name through
// its own DuckDB, fsyncs it, renames it into place and fsyncs its directories, while the caller waits for one
// reply. On the platform's loop, busy with a broker taking thousands of messages a second, every await of
// those steps cost a turn of several to tens of milliseconds: a traced flush at 8,000 msg/s took 60–360 ms to
// stage and copy 4,000 rows that take ~40 ms on an idle loop, and the next flush waited behind it.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnyLakeTableName } from '@tributary/contracts';
import { transferablesOf, type ColumnarRows } from './staged-rows.js';

export interface PublishRequest {
  readonly id: number;
  readonly table: AnyLakeTableName;
  /**
   * The rows, validated against the table's contract and laid out as its columns (`columnarRowsOf`). Its
   * number columns' buffers are transferred to the worker: the caller must not use them after publishing.
   */
  readonly batch: ColumnarRows;
  readonly temporaryFile: string;
  readonly dataFile: string;
  /**
   * The directory synced after the rename; the first time (or when it had to be created), then each parent up
   * to `syncUpTo`. The directory of `dataFile` is created if missing.
   */
  readonly syncFrom: string;
  readonly syncUpTo: string;
}

export interface PublishReply {
  readonly id: number;
  readonly renamed: boolean;
  readonly error?: { readonly message: string; readonly code?: string };
}

/** A publish that failed; `renamed` says whether the file had become visible under its final name. */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly renamed: boolean,
  ) {
    super(message);
  }
}

const runsFromSource = import.meta.url.endsWith('.ts');
const workerModule = new URL(`./parquet-publisher-worker.${runsFromSource ? 'ts' : 'js'}`, import.meta.url);

/**
 * Run from TypeScript source (the CLI, vitest), the worker imports its module through tsx's API, resolving
 * workspace packages to their sources as the process does (a worker's `--import tsx` is not honoured by
 * Node 20); a build runs its JavaScript as is.
 */
function startWorker(): Worker {
  if (!runsFromSource) return new Worker(workerModule);
  // tsx's ESM entry of its API (its CommonJS one cannot tsImport): the export map's `import` condition.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/index\.cjs$/, 'index.mjs'),
  ).href;
  const source =
    `import(${JSON.stringify(tsxApi)}).then((api) => (api.tsImport ?? api.default.tsImport)(` +
    `${JSON.stringify(workerModule.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(source, { eval: true, execArgv: ['--conditions=@tributary/source'] });
}

export class ParquetPublisher {
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: PublishReply) => this.settle(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) =>
      this.failAll(new Error(`The Parquet publishing worker exited (code ${code}).`)),
    );
    // An idle worker must not keep a finished process alive; requests in flight keep it referenced.
    worker.unref();
  }

  static start(): ParquetPublisher {
    return new ParquetPublisher(startWorker());
  }

  /**
   * Creates the directory of `dataFile` if missing, writes `rows` to `temporaryFile`, fsyncs it, renames it to
   * `dataFile`, then fsyncs `syncFrom` and, the first time, each parent up to `syncUpTo`. Requests run one at a time, in order. Rejects with PublishError, whose `renamed`
   * tells whether `dataFile` exists (a temp file may be left behind either way).
   */
  publish(request: Omit<PublishRequest, 'id'>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } satisfies PublishRequest, transferablesOf(request.batch));
    });
  }

  /**
   * Refuses new requests and stops the worker once those in flight are settled: they finish, so a file the
   * worker renames is never reported as failed. The worker closes its DuckDB itself (terminating a thread in
   * the middle of a native call can bring the whole process down).
   */
  close(): void {
    if (this.failure) return;
    this.failure = new Error('The Parquet publishing worker is closed.');
    this.worker.postMessage({ close: true });
  }

  private settle({ id, renamed, error }: PublishReply): void {
    const request = this.pending.get(id);
    if (!request) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    if (error) request.reject(new PublishError(error.message, error.code, renamed));
    else request.resolve();
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}
