// Durable broker state: persistent sessions, retained messages and queued QoS 1 messages in LevelDB, so
// a restarted broker resumes sessions with sessionPresent=1 (faults.md #21; AWS keeps persistent sessions
// for an hour: mqtt.html#mqtt-persistent-sessions).
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Level } from 'level';

/** The promise-based persistence class of aedes-persistence-level 9.2 (the package ships no types). */
interface AedesLevelPersistence {
  setup(broker: unknown): Promise<void>;
  /** Closes the database. */
  destroy(): Promise<void>;
}

// aedes 1.2 calls its persistence through promises and checks that setup() is an async function. The
// package's main entry wraps this class in the callback API of aedes < 1, which aedes 1.2 rejects, so
// the promise-based class is loaded directly.
const AsyncLevelPersistence = createRequire(import.meta.url)(
  'aedes-persistence-level/asyncPersistence.js',
) as new (db: Level<string, Buffer>) => AedesLevelPersistence;

export interface BrokerPersistence {
  /** What aedes's `persistence` option takes. */
  readonly aedesPersistence: object;
  close(): Promise<void>;
}

export async function openLevelPersistence(directory: string): Promise<BrokerPersistence> {
  await mkdir(directory, { recursive: true });
  const db = new Level<string, Buffer>(directory, { valueEncoding: 'buffer' });
  await db.open();
  const aedesPersistence = new AsyncLevelPersistence(db);
  return { aedesPersistence, close: () => aedesPersistence.destroy() };
}
