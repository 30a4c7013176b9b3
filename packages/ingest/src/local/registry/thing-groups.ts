// Static thing groups: a hierarchy (a parent is fixed at creation, at most 7 levels) whose members are
// things. Mirrors https://docs.aws.amazon.com/iot/latest/developerguide/thing-groups.html; dynamic groups
// (fleet-indexing queries) are not modelled.
import { applyAttributePayload, parseAttributes, sameAttributes } from './attributes.js';
import { arnOf, type ArnScope } from './arns.js';
import type { RegistryDatabase, Row } from './database.js';
import {
  InvalidRequestError,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
  VersionConflictError,
} from './errors.js';
import { cursorOf, pageFrom } from './pagination.js';
import type {
  CreateThingGroupRequest,
  DeleteRequest,
  GroupNameAndArn,
  GroupPage,
  ListThingGroupsRequest,
  ThingGroup,
  UpdateThingGroupRequest,
} from './types.js';
import { assertResourceName, maxThingGroupDepth } from './validation.js';

export class ThingGroupStore {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly scope: ArnScope,
    private readonly clock: () => number,
  ) {}

  async describe(thingGroupName: string): Promise<ThingGroup | undefined> {
    const [row] = await this.db.rows('SELECT * FROM thing_groups WHERE thing_group_name = $1', [
      thingGroupName,
    ]);
    if (!row) return undefined;
    const ancestors = await this.ancestorsOf(row);
    return this.toThingGroup(row, ancestors);
  }

  async require(thingGroupName: string): Promise<ThingGroup> {
    assertResourceName('Thing group', thingGroupName);
    const group = await this.describe(thingGroupName);
    if (!group) throw new ResourceNotFoundError('Thing group', thingGroupName);
    return group;
  }

  /** Idempotent for an identical parent and properties; anything else is ResourceAlreadyExists. */
  async create(request: CreateThingGroupRequest): Promise<{ thingGroup: ThingGroup; created: boolean }> {
    assertResourceName('Thing group', request.thingGroupName);
    const parentGroupName = request.parentGroupName ?? null;
    const description = request.thingGroupProperties?.thingGroupDescription ?? null;
    const attributes = applyAttributePayload({}, request.thingGroupProperties?.attributePayload);
    const existing = await this.describe(request.thingGroupName);
    if (existing) {
      const same =
        existing.thingGroupMetadata.parentGroupName === parentGroupName &&
        existing.thingGroupProperties.thingGroupDescription === description &&
        sameAttributes(existing.thingGroupProperties.attributePayload.attributes, attributes);
      if (same) return { thingGroup: existing, created: false };
      throw new ResourceAlreadyExistsError(
        'Thing group',
        existing.thingGroupName,
        existing.thingGroupId,
        existing.thingGroupArn,
      );
    }
    if (parentGroupName !== null) {
      const parent = await this.require(parentGroupName);
      if (parent.thingGroupMetadata.rootToParentThingGroups.length + 2 > maxThingGroupDepth) {
        throw new InvalidRequestError(
          `Thing group "${request.thingGroupName}" would be more than ${maxThingGroupDepth} levels deep: pick a parent higher up`,
        );
      }
    }
    await this.db.run(
      `INSERT INTO thing_groups (thing_group_name, thing_group_id, parent_group_name, description, attributes,
         version, creation_date) VALUES ($1, $2, $3, $4, $5, 1, $6)`,
      [
        request.thingGroupName,
        crypto.randomUUID(),
        parentGroupName,
        description,
        JSON.stringify(attributes),
        this.clock(),
      ],
    );
    return { thingGroup: await this.require(request.thingGroupName), created: true };
  }

  async update(request: UpdateThingGroupRequest): Promise<ThingGroup> {
    const current = await this.require(request.thingGroupName);
    assertExpectedVersion(current, request.expectedVersion);
    const props = request.thingGroupProperties;
    const description = props.thingGroupDescription ?? current.thingGroupProperties.thingGroupDescription;
    const attributes = applyAttributePayload(
      current.thingGroupProperties.attributePayload.attributes,
      props.attributePayload,
    );
    await this.db.run(
      'UPDATE thing_groups SET description = $2, attributes = $3, version = version + 1 WHERE thing_group_name = $1',
      [request.thingGroupName, description, JSON.stringify(attributes)],
    );
    return this.require(request.thingGroupName);
  }

  /**
   * Deleting a group that does not exist succeeds; a group with child groups cannot be deleted. Returns the
   * group deleted, if there was one.
   */
  async delete(thingGroupName: string, request: DeleteRequest = {}): Promise<ThingGroup | undefined> {
    assertResourceName('Thing group', thingGroupName);
    const current = await this.describe(thingGroupName);
    if (!current) return undefined;
    assertExpectedVersion(current, request.expectedVersion);
    const children = await this.db.rows(
      'SELECT thing_group_name FROM thing_groups WHERE parent_group_name = $1',
      [thingGroupName],
    );
    if (children.length > 0) {
      throw new InvalidRequestError(
        `Thing group "${thingGroupName}" has child groups (${children.map((c) => c['thing_group_name']).join(', ')}): delete them first`,
      );
    }
    await this.db.transaction(async () => {
      await this.db.run('DELETE FROM thing_group_members WHERE thing_group_name = $1', [thingGroupName]);
      await this.db.run('DELETE FROM thing_groups WHERE thing_group_name = $1', [thingGroupName]);
    });
    return current;
  }

  /** Without `parentGroup` all groups; with it its children, or all its descendants when `recursive`. */
  async list(request: ListThingGroupsRequest = {}): Promise<GroupPage> {
    const cursor = cursorOf(request);
    let scope: readonly string[] | undefined;
    if (request.parentGroup !== undefined) {
      await this.require(request.parentGroup);
      scope = request.recursive
        ? (await this.subtreeOf(request.parentGroup)).filter((name) => name !== request.parentGroup)
        : (
            await this.db.rows('SELECT thing_group_name FROM thing_groups WHERE parent_group_name = $1', [
              request.parentGroup,
            ])
          ).map((row) => String(row['thing_group_name']));
    }
    const rows = await this.db.rows(
      `SELECT thing_group_name FROM thing_groups
       WHERE thing_group_name > $1 AND starts_with(thing_group_name, $2) ORDER BY thing_group_name`,
      [cursor.after, request.namePrefixFilter ?? ''],
    );
    const names = rows
      .map((row) => String(row['thing_group_name']))
      .filter((name) => !scope || scope.includes(name));
    const page = pageFrom(names.slice(0, cursor.limit + 1), cursor, (name) => name);
    return {
      thingGroups: page.items.map((name) => this.nameAndArn(name)),
      ...(page.nextToken && { nextToken: page.nextToken }),
    };
  }

  /** The group and all groups below it. */
  async subtreeOf(thingGroupName: string): Promise<string[]> {
    const rows = await this.db.rows(
      `WITH RECURSIVE subtree(name) AS (
         SELECT $1::VARCHAR
         UNION ALL
         SELECT g.thing_group_name FROM thing_groups g JOIN subtree s ON g.parent_group_name = s.name)
       SELECT name FROM subtree`,
      [thingGroupName],
    );
    return rows.map((row) => String(row['name']));
  }

  nameAndArn(groupName: string): GroupNameAndArn {
    return { groupName, groupArn: arnOf(this.scope, 'thinggroup', groupName) };
  }

  private async ancestorsOf(row: Row): Promise<GroupNameAndArn[]> {
    const ancestors: GroupNameAndArn[] = [];
    let parent = row['parent_group_name'] as string | null;
    while (parent !== null && ancestors.length < maxThingGroupDepth) {
      ancestors.unshift(this.nameAndArn(parent));
      const [parentRow] = await this.db.rows(
        'SELECT parent_group_name FROM thing_groups WHERE thing_group_name = $1',
        [parent],
      );
      parent = (parentRow?.['parent_group_name'] as string | null | undefined) ?? null;
    }
    return ancestors;
  }

  private toThingGroup(row: Row, rootToParentThingGroups: readonly GroupNameAndArn[]): ThingGroup {
    const thingGroupName = String(row['thing_group_name']);
    return {
      thingGroupName,
      thingGroupId: String(row['thing_group_id']),
      thingGroupArn: arnOf(this.scope, 'thinggroup', thingGroupName),
      version: Number(row['version']),
      thingGroupProperties: {
        thingGroupDescription: row['description'] === null ? null : String(row['description']),
        attributePayload: { attributes: parseAttributes(row['attributes']) },
      },
      thingGroupMetadata: {
        parentGroupName: row['parent_group_name'] === null ? null : String(row['parent_group_name']),
        rootToParentThingGroups,
        creationDate: new Date(Number(row['creation_date'])),
      },
    };
  }
}

function assertExpectedVersion(group: ThingGroup, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== group.version) {
    throw new VersionConflictError('Thing group', group.thingGroupName, expectedVersion, group.version);
  }
}
