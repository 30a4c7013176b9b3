// The device registry on this machine: things, thing types and static thing groups in an embedded DuckDB
// file, with the operations and shapes of @aws-sdk/client-iot (the control plane serves them over HTTP).
// Each committed change goes to listeners as a RegistryChange (registry-events.html); the registry keeps
// the event configurations but does not publish: iot-core.ts does, on the broker.
import type { RegistryEventType } from '../../core/registry-events.js';
import type { ArnScope } from './arns.js';
import { openRegistryDatabase, type RegistryDatabase } from './database.js';
import {
  EventConfigurationStore,
  type EventConfigurations,
  type EventConfigurationUpdate,
} from './event-configurations.js';
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
  ResourceOperation,
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
    /** Which event types IoT publishes; listeners hear every change regardless. */
    private readonly eventConfigurations: EventConfigurationStore,
  ) {
    this.thingTypes = new ThingTypeStore(db, scope, clock);
    this.things = new ThingStore(db, scope, this.thingTypes);
    this.thingGroups = new ThingGroupStore(db, scope, clock);
    this.memberships = new MembershipStore(db, scope, this.things, this.thingGroups);
  }

  /** Opens (or creates, or upgrades) the registry database; `:memory:` keeps it in memory. */
  static async open(path: string, options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
    const scope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
    const clock = options.clock ?? Date.now;
    const db = await openRegistryDatabase(path);
    return new LocalRegistry(db, scope, clock, await EventConfigurationStore.open(db, clock));
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
      if (created) {
        this.emit({ eventType: 'THING_EVENT', operation: 'CREATED', thing });
        if (thing.thingTypeName !== null) this.emitTypeAssociation('CREATED', thing, thing.thingTypeName);
      }
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
      const { previous, thing } = await this.things.update(request);
      this.emit({ eventType: 'THING_EVENT', operation: 'UPDATED', thing });
      if (previous.thingTypeName !== thing.thingTypeName) {
        if (previous.thingTypeName !== null)
          this.emitTypeAssociation('DELETED', thing, previous.thingTypeName);
        if (thing.thingTypeName !== null) this.emitTypeAssociation('CREATED', thing, thing.thingTypeName);
      }
      return thing;
    });
  }

  deleteThing(thingName: string, request: DeleteRequest = {}): Promise<void> {
    return this.serialized(async () => {
      const thing = await this.things.delete(thingName, request);
      if (thing) this.emit({ eventType: 'THING_EVENT', operation: 'DELETED', thing });
    });
  }

  createThingType(request: CreateThingTypeRequest): Promise<ThingType> {
    return this.serialized(async () => {
      const { thingType, created } = await this.thingTypes.create(request);
      if (created) this.emit({ eventType: 'THING_TYPE_EVENT', operation: 'CREATED', thingType });
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
      this.emit({ eventType: 'THING_TYPE_EVENT', operation: 'UPDATED', thingType });
      return thingType;
    });
  }

  /** Only a type deprecated at least five minutes ago and used by no thing, as in AWS. */
  deleteThingType(thingTypeName: string): Promise<void> {
    return this.serialized(async () => {
      const thingType = await this.thingTypes.delete(
        thingTypeName,
        await this.things.countOfType(thingTypeName),
      );
      this.emit({ eventType: 'THING_TYPE_EVENT', operation: 'DELETED', thingType });
    });
  }

  createThingGroup(request: CreateThingGroupRequest): Promise<ThingGroup> {
    return this.serialized(async () => {
      const { thingGroup, created } = await this.thingGroups.create(request);
      if (created) {
        const parentGroup = await this.parentOf(thingGroup);
        this.emitThingGroup('CREATED', thingGroup, parentGroup);
        if (parentGroup) this.emitHierarchy('ADDED', parentGroup, thingGroup);
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
      this.emitThingGroup('UPDATED', thingGroup, await this.parentOf(thingGroup));
      return thingGroup;
    });
  }

  listThingGroups(request: ListThingGroupsRequest = {}): Promise<GroupPage> {
    return this.serialized(() => this.thingGroups.list(request));
  }

  deleteThingGroup(thingGroupName: string, request: DeleteRequest = {}): Promise<void> {
    return this.serialized(async () => {
      const thingGroup = await this.thingGroups.delete(thingGroupName, request);
      if (!thingGroup) return;
      const parentGroup = await this.parentOf(thingGroup);
      if (parentGroup) this.emitHierarchy('REMOVED', parentGroup, thingGroup);
      this.emitThingGroup('DELETED', thingGroup, parentGroup);
    });
  }

  addThingToThingGroup(request: ThingGroupMembershipRequest): Promise<void> {
    return this.serialized(async () => {
      const membership = await this.memberships.resolve(request);
      const membershipId = await this.memberships.add(membership);
      if (membershipId !== undefined) {
        this.emit({
          eventType: 'THING_GROUP_MEMBERSHIP_EVENT',
          operation: 'ADDED',
          ...membership,
          membershipId,
        });
      }
    });
  }

  removeThingFromThingGroup(request: ThingGroupMembershipRequest): Promise<void> {
    return this.serialized(async () => {
      const membership = await this.memberships.resolve(request);
      const membershipId = await this.memberships.remove(membership);
      if (membershipId !== undefined) {
        this.emit({
          eventType: 'THING_GROUP_MEMBERSHIP_EVENT',
          operation: 'REMOVED',
          ...membership,
          membershipId,
        });
      }
    });
  }

  listThingsInThingGroup(request: ListThingsInThingGroupRequest): Promise<ThingNamePage> {
    return this.serialized(() => this.memberships.thingsIn(request));
  }

  listThingGroupsForThing(request: ListThingGroupsForThingRequest): Promise<GroupPage> {
    return this.serialized(() => this.memberships.groupsFor(request));
  }

  /** Whether IoT publishes events of this type now (UpdateEventConfigurations enabled it). */
  isEventEnabled(eventType: RegistryEventType): boolean {
    return this.eventConfigurations.isEnabled(eventType);
  }

  describeEventConfigurations(): Promise<EventConfigurations> {
    return this.serialized(() => this.eventConfigurations.describe());
  }

  updateEventConfigurations(update: EventConfigurationUpdate): Promise<void> {
    return this.serialized(() => this.eventConfigurations.update(update));
  }

  close(): void {
    this.db.close();
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined); // the caller gets the error; the queue moves on
    return result;
  }

  private parentOf(thingGroup: ThingGroup): Promise<ThingGroup | undefined> {
    const { parentGroupName } = thingGroup.thingGroupMetadata;
    return parentGroupName === null ? Promise.resolve(undefined) : this.thingGroups.describe(parentGroupName);
  }

  private emitThingGroup(operation: ResourceOperation, thingGroup: ThingGroup, parent?: ThingGroup): void {
    this.emit({
      eventType: 'THING_GROUP_EVENT',
      operation,
      thingGroup,
      parentGroupId: parent?.thingGroupId ?? null,
    });
  }

  private emitHierarchy(
    operation: 'ADDED' | 'REMOVED',
    parentGroup: ThingGroup,
    childGroup: ThingGroup,
  ): void {
    this.emit({ eventType: 'THING_GROUP_HIERARCHY_EVENT', operation, parentGroup, childGroup });
  }

  private emitTypeAssociation(operation: 'CREATED' | 'DELETED', thing: Thing, thingTypeName: string): void {
    this.emit({ eventType: 'THING_TYPE_ASSOCIATION_EVENT', operation, thing, thingTypeName });
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
