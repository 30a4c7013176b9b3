// Wills a stopped broker left in the store (kill -9 before the device disconnected). aedes publishes them
// at its will sweep with no connection attached, so which certificate, and so which IoT policy, a Will came
// with is unknown: under an authorizer it would pass as if from the development listener. They are
// discarded at start, each with a warning, instead of published unchecked (AWS checks iot:Publish on
// every Will; MQTT lets a server that cannot authorize it drop it).
import type { Aedes } from 'aedes';
import type { Logger } from '@tributary/contracts';

interface WillStore {
  streamWill(
    brokers: Record<string, number>,
  ): AsyncIterable<{ clientId: string; brokerId: string; topic: string }>;
  delWill(client: { id: string; brokerId: string }): Promise<unknown>;
}

export async function discardOrphanedWills(aedes: Aedes, logger: Logger): Promise<number> {
  const store = (aedes as unknown as { persistence: WillStore }).persistence;
  let discarded = 0;
  // Every broker id but this one's: what a previous run of the broker stored.
  for await (const will of store.streamWill({ [aedes.id]: Date.now() })) {
    await store.delWill({ id: will.clientId, brokerId: will.brokerId });
    discarded++;
    logger.warn('Will left by a stopped broker discarded', {
      code: 'ORPHANED_WILL',
      clientId: will.clientId,
      topic: will.topic,
      reason: "the connection's certificate is unknown after a restart, so iot:Publish cannot be checked",
    });
  }
  return discarded;
}
