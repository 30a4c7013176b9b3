// Which things belong to which static groups: AddThingToThingGroup, RemoveThingFromThingGroup,
// ListThingsInThingGroup (optionally with the things of child groups) and ListThingGroupsForThing.
import { nameFromArn, type ArnScope } from './arns.js';
import type { RegistryDatabase } from './database.js';
import { InvalidRequestError } from './errors.js';
import { cursorOf, pageFrom } from './pagination.js';
import type { ThingGroupStore } from './thing-groups.js';
import type { ThingStore } from './things.js';
import type {
  GroupPage,
  Thing,
  ThingGroup,
  ListThingGroupsForThingRequest,
  ListThingsInThingGroupRequest,
  ThingGroupMembershipRequest,
  ThingNamePage,
} from './types.js';

/** A thing and a group that both exist. */
export interface Membership {
  readonly thing: Thing;
  readonly thingGroup: ThingGroup;
}

export class MembershipStore {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly scope: ArnScope,
    private readonly things: ThingStore,
    private readonly groups: ThingGroupStore,
  ) {}

  /** Resolves names or ARNs and checks that both exist. */
  async resolve(request: ThingGroupMembershipRequest): Promise<Membership> {
    const thingName =
      request.thingName ?? (request.thingArn && nameFromArn(this.scope, 'thing', request.thingArn));
    const thingGroupName =
      request.thingGroupName ??
      (request.thingGroupArn && nameFromArn(this.scope, 'thinggroup', request.thingGroupArn));
    if (!thingName || !thingGroupName) {
      throw new InvalidRequestError(
        'Name the thing (thingName or thingArn) and the group (thingGroupName or thingGroupArn)',
      );
    }
    const thingGroup = await this.groups.require(thingGroupName);
    const thing = await this.things.require(thingName);
    return { thing, thingGroup };
  }

  /** Returns the new membership's id, or undefined when the thing already was a member. */
  async add({ thing, thingGroup }: Membership): Promise<string | undefined> {
    if ((await this.membershipIdOf(thing.thingName, thingGroup.thingGroupName)) !== undefined)
      return undefined;
    const membershipId = crypto.randomUUID();
    await this.db.run(
      'INSERT INTO thing_group_members (thing_group_name, thing_name, membership_id) VALUES ($1, $2, $3)',
      [thingGroup.thingGroupName, thing.thingName, membershipId],
    );
    return membershipId;
  }

  /** Removing a thing that is not a member succeeds; returns the id of the membership removed, if any. */
  async remove({ thing, thingGroup }: Membership): Promise<string | undefined> {
    const membershipId = await this.membershipIdOf(thing.thingName, thingGroup.thingGroupName);
    if (membershipId === undefined) return undefined;
    await this.db.run('DELETE FROM thing_group_members WHERE thing_group_name = $1 AND thing_name = $2', [
      thingGroup.thingGroupName,
      thing.thingName,
    ]);
    return membershipId;
  }

  async thingsIn(request: ListThingsInThingGroupRequest): Promise<ThingNamePage> {
    const cursor = cursorOf(request);
    await this.groups.require(request.thingGroupName);
    const groupNames = request.recursive
      ? await this.groups.subtreeOf(request.thingGroupName)
      : [request.thingGroupName];
    const groupPlaceholders = groupNames.map((_, i) => `$${i + 3}`).join(', ');
    const rows = await this.db.rows(
      `SELECT DISTINCT thing_name FROM thing_group_members
       WHERE thing_name > $1 AND thing_group_name IN (${groupPlaceholders})
       ORDER BY thing_name LIMIT $2`,
      [cursor.after, cursor.limit + 1, ...groupNames],
    );
    const page = pageFrom(
      rows.map((row) => String(row['thing_name'])),
      cursor,
      (name) => name,
    );
    return { things: page.items, ...(page.nextToken && { nextToken: page.nextToken }) };
  }

  async groupsFor(request: ListThingGroupsForThingRequest): Promise<GroupPage> {
    const cursor = cursorOf(request);
    await this.things.require(request.thingName);
    const rows = await this.db.rows(
      `SELECT thing_group_name FROM thing_group_members WHERE thing_name = $1 AND thing_group_name > $2
       ORDER BY thing_group_name LIMIT $3`,
      [request.thingName, cursor.after, cursor.limit + 1],
    );
    const page = pageFrom(
      rows.map((row) => String(row['thing_group_name'])),
      cursor,
      (name) => name,
    );
    return {
      thingGroups: page.items.map((name) => this.groups.nameAndArn(name)),
      ...(page.nextToken && { nextToken: page.nextToken }),
    };
  }

  private async membershipIdOf(thingName: string, thingGroupName: string): Promise<string | undefined> {
    const [row] = await this.db.rows(
      'SELECT membership_id FROM thing_group_members WHERE thing_group_name = $1 AND thing_name = $2',
      [thingGroupName, thingName],
    );
    return row && String(row['membership_id']);
  }
}
