// The device registry on this machine: things, thing types and static thing groups in an embedded DuckDB
// file, with the operations and shapes of @aws-sdk/client-iot (the control plane serves them over HTTP).
import type { ArnScope } from './arns.js';
import { openRegistryDatabase, type RegistryDatabase } from './database.js';
import { MembershipStore } from './memberships.js';
import { ThingGroupStore } from './thing-groups.js';
import { ThingTypeStore } from './thing-types.js';
import { ThingStore } from './things.js';
import type {
  CreateThingGroupRequest,
  CreateThingRequest,
  CreateThingTypeRequest,
  DeleteRequest,
  GroupPage,
  ListThingGroupsForThingRequest,
  ListThingGroupsRequest,
  ListThingsInThingGroupRequest,
  ListThingsRequest,
  ListThingTypesRequest,
  RegistryChange,
  Thing,
  ThingGroup,
  ThingGroupMembershipRequest,
  ThingNamePage,
  ThingPage,
  ThingType,
  ThingTypePage,
  UpdateThingGroupRequest,
  UpdateThingRequest,
} from './types.js';

export interface LocalRegistryOptions {
  /** Region in the ARNs. @default 'us-east-1' */
  readonly region?: string;
  /** Account in the ARNs. @default '000000000000' */
  readonly accountId?: string;
  /** Milliseconds since the epoch; tests move it to pass the thing-type deletion delay. @default Date.now */
  readonly clock?: () => number;
}

export type RegistryChangeListener = (change: RegistryChange) => void;

export class LocalRegistry {
  private readonly things: ThingStore;
  private readonly thingTypes: ThingTypeStore;
  private readonly thingGroups: ThingGroupStore;
  private readonly memberships: MembershipStore;
  private readonly listeners = new Set<RegistryChangeListener>();
  /** One operation at a time: DuckDB's single connection shares one transaction among callers. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: RegistryDatabase,
    readonly scope: ArnScope,
    clock: () => number,
  ) {
    this.thingTypes = new ThingTypeStore(db, scope, clock);
    this.things = new ThingStore(db, scope, this.thingTypes);
    this.thingGroups = new ThingGroupStore(db, scope, clock);
    this.memberships = new MembershipStore(db, scope, this.things, this.thingGroups);
  }

  /** Opens (or creates, or upgrades) the registry database; `:memory:` keeps it in memory. */
  static async open(path: string, options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
    const scope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
    return new LocalRegistry(await openRegistryDatabase(path), scope, options.clock ?? Date.now);
  }

  /**
   * Calls `listener` after each committed change. Listeners must not throw: an error they throw is
   * re-raised asynchronously (an uncaught exception) rather than failing the write that already happened.
   * Returns a function that removes the listener.
   */
  onChange(listener: RegistryChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  createThing(request: CreateThingRequest): Promise<Thing> {
    return this.serialized(async () => {
      const { thing, created } = await this.things.create(request);
      if (created) this.emit({ eventType: 'THING_EVENT', operation: 'CREATED', thingName: thing.thingName });
      return thing;
    });
  }

  /** Undefined for an unknown (or impossible) name, so enrichment can treat it as "no context". */
  describeThing(thingName: string): Promise<Thing | undefined> {
    return this.serialized(() => this.things.describe(thingName));
  }

  listThings(request: ListThingsRequest = {}): Promise<ThingPage> {
    return this.serialized(() => this.things.list(request));
  }

  updateThing(request: UpdateThingRequest): Promise<Thing> {
    return this.serialized(async () => {
      const thing = await this.things.update(request);
      this.emit({ eventType: 'THING_EVENT', operation: 'UPDATED', thingName: thing.thingName });
      return thing;
    });
  }

  deleteThing(thingName: string, request: DeleteRequest = {}): Promise<void> {
    return this.serialized(async () => {
      if (await this.things.delete(thingName, request)) {
        this.emit({ eventType: 'THING_EVENT', operation: 'DELETED', thingName });
      }
    });
  }

  createThingType(request: CreateThingTypeRequest): Promise<ThingType> {
    return this.serialized(async () => {
      const { thingType, created } = await this.thingTypes.create(request);
      if (created)
        this.emit({
          eventType: 'THING_TYPE_EVENT',
          operation: 'CREATED',
          thingTypeName: thingType.thingTypeName,
        });
      return thingType;
    });
  }

  describeThingType(thingTypeName: string): Promise<ThingType | undefined> {
    return this.serialized(() => this.thingTypes.describe(thingTypeName));
  }

  listThingTypes(request: ListThingTypesRequest = {}): Promise<ThingTypePage> {
    return this.serialized(() => this.thingTypes.list(request));
  }

  deprecateThingType(
    thingTypeName: string,
    request: { readonly undoDeprecate?: boolean } = {},
  ): Promise<ThingType> {
    return this.serialized(async () => {
      const thingType = await this.thingTypes.deprecate(thingTypeName, request.undoDeprecate);
      this.emit({ eventType: 'THING_TYPE_EVENT', operation: 'UPDATED', thingTypeName });
      return thingType;
    });
  }

  /** Only a type deprecated at least five minutes ago and used by no thing, as in AWS. */
  deleteThingType(thingTypeName: string): Promise<void> {
    return this.serialized(async () => {
      await this.thingTypes.delete(thingTypeName, await this.things.countOfType(thingTypeName));
      this.emit({ eventType: 'THING_TYPE_EVENT', operation: 'DELETED', thingTypeName });
    });
  }

  createThingGroup(request: CreateThingGroupRequest): Promise<ThingGroup> {
    return this.serialized(async () => {
      const { thingGroup, created } = await this.thingGroups.create(request);
      if (created) {
        this.emit({
          eventType: 'THING_GROUP_EVENT',
          operation: 'CREATED',
          thingGroupName: thingGroup.thingGroupName,
        });
      }
      return thingGroup;
    });
  }

  describeThingGroup(thingGroupName: string): Promise<ThingGroup | undefined> {
    return this.serialized(() => this.thingGroups.describe(thingGroupName));
  }

  updateThingGroup(request: UpdateThingGroupRequest): Promise<ThingGroup> {
    return this.serialized(async () => {
      const thingGroup = await this.thingGroups.update(request);
      this.emit({
        eventType: 'THING_GROUP_EVENT',
        operation: 'UPDATED',
        thingGroupName: thingGroup.thingGroupName,
      });
      return thingGroup;
    });
  }

  listThingGroups(request: ListThingGroupsRequest = {}): Promise<GroupPage> {
    return this.serialized(() => this.thingGroups.list(request));
  }

  deleteThingGroup(thingGroupName: string, request: DeleteRequest = {}): Promise<void> {
    return this.serialized(async () => {
      if (await this.thingGroups.delete(thingGroupName, request)) {
        this.emit({ eventType: 'THING_GROUP_EVENT', operation: 'DELETED', thingGroupName });
      }
    });
  }

  addThingToThingGroup(request: ThingGroupMembershipRequest): Promise<void> {
    return this.serialized(async () => {
      const membership = await this.memberships.resolve(request);
      if (await this.memberships.add(membership)) {
        this.emit({ eventType: 'THING_GROUP_MEMBERSHIP_EVENT', operation: 'ADDED', ...membership });
      }
    });
  }

  removeThingFromThingGroup(request: ThingGroupMembershipRequest): Promise<void> {
    return this.serialized(async () => {
      const membership = await this.memberships.resolve(request);
      if (await this.memberships.remove(membership)) {
        this.emit({ eventType: 'THING_GROUP_MEMBERSHIP_EVENT', operation: 'REMOVED', ...membership });
      }
    });
  }

  listThingsInThingGroup(request: ListThingsInThingGroupRequest): Promise<ThingNamePage> {
    return this.serialized(() => this.memberships.thingsIn(request));
  }

  listThingGroupsForThing(request: ListThingGroupsForThingRequest): Promise<GroupPage> {
    return this.serialized(() => this.memberships.groupsFor(request));
  }

  close(): void {
    this.db.close();
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined); // the caller gets the error; the queue moves on
    return result;
  }

  private emit(change: RegistryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
