// Detector state between Lambda invocations, in the AnomalyDetectionStack's DynamoDB table: one item per
// thing holding the state of each of its metrics, written with optimistic concurrency (a version
// condition) so two writers never silently overwrite each other's learning.
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DetectorStates, type SeriesState } from '../core/index.js';

/** BatchGetItem reads at most 100 keys per call. */
const maxKeysPerGet = 100;

export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';
}

/** The states of a batch's things, and the versions they were read at. */
export interface LoadedStates {
  readonly states: DetectorStates;
  readonly versions: ReadonlyMap<string, number>;
}

export class DetectorStateTable {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async load(thingNames: readonly string[]): Promise<LoadedStates> {
    const merged: Record<string, SeriesState> = {};
    const versions = new Map<string, number>();
    for (let start = 0; start < thingNames.length; start += maxKeysPerGet) {
      let keys: Record<string, { S: string }>[] | undefined = thingNames
        .slice(start, start + maxKeysPerGet)
        .map((thing) => ({ series: { S: thing } }));
      while (keys && keys.length > 0) {
        const response = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of response.Responses?.[this.tableName] ?? []) {
          const thing = item['series']?.S;
          if (!thing) continue;
          versions.set(thing, Number(item['version']?.N ?? 0));
          Object.assign(merged, JSON.parse(item['state']?.S ?? '{}') as Record<string, SeriesState>);
        }
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys as typeof keys;
      }
    }
    return { states: DetectorStates.fromJSON(merged), versions };
  }

  /**
   * Saves each thing's series at the version after the one it was loaded at; throws StateConflictError
   * when another writer saved it in between (the batch is then retried from fresh state).
   */
  async save(thingNames: readonly string[], loaded: LoadedStates): Promise<void> {
    const all = loaded.states.toJSON();
    for (const thing of thingNames) {
      const prefix = `${thing}/`;
      const state = Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith(prefix)));
      const version = loaded.versions.get(thing);
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              series: { S: thing },
              state: { S: JSON.stringify(state) },
              version: { N: String((version ?? 0) + 1) },
            },
            ConditionExpression:
              version === undefined ? 'attribute_not_exists(series)' : 'version = :loadedVersion',
            ...(version === undefined
              ? {}
              : { ExpressionAttributeValues: { ':loadedVersion': { N: String(version) } } }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new StateConflictError(
            `Detector state of ${thing} changed since it was read (version ${version ?? 'none'})`,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    }
  }
}
