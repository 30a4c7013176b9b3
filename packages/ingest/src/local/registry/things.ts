// Things: CreateThing, DescribeThing, ListThings, UpdateThing and DeleteThing over the registry database,
// following the IoT API reference for each operation (https://docs.aws.amazon.com/iot/latest/apireference/).
import { applyAttributePayload, parseAttributes, sameAttributes } from './attributes.js';
import { arnOf, type ArnScope } from './arns.js';
import type { RegistryDatabase, Row } from './database.js';
import {
  InvalidRequestError,
  ResourceNotFoundError,
  ThingAlreadyExistsError,
  VersionConflictError,
} from './errors.js';
import { cursorOf, pageFrom } from './pagination.js';
import type { ThingTypeStore } from './thing-types.js';
import type {
  CreateThingRequest,
  DeleteRequest,
  ListThingsRequest,
  Thing,
  ThingPage,
  UpdateThingRequest,
} from './types.js';
import { assertAttributeCount, assertResourceName, assertThingName } from './validation.js';

export class ThingStore {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly scope: ArnScope,
    private readonly thingTypes: ThingTypeStore,
  ) {}

  async describe(thingName: string): Promise<Thing | undefined> {
    const [row] = await this.db.rows('SELECT * FROM things WHERE thing_name = $1', [thingName]);
    return row && this.toThing(row);
  }

  async require(thingName: string): Promise<Thing> {
    assertThingName(thingName);
    const thing = await this.describe(thingName);
    if (!thing) throw new ResourceNotFoundError('Thing', thingName);
    return thing;
  }

  /** Idempotent for an identical request; a different type or attributes is ResourceAlreadyExists. */
  async create(request: CreateThingRequest): Promise<{ thing: Thing; created: boolean }> {
    assertThingName(request.thingName);
    const thingTypeName = request.thingTypeName ?? null;
    const attributes = applyAttributePayload(
      {},
      request.attributePayload?.attributes
        ? request.attributePayload
        : { attributes: request.attributes ?? {} },
    );
    const existing = await this.describe(request.thingName);
    if (existing) {
      if (existing.thingTypeName === thingTypeName && sameAttributes(existing.attributes, attributes)) {
        return { thing: existing, created: false };
      }
      throw new ThingAlreadyExistsError(existing.thingName, existing.thingId, existing.thingArn);
    }
    if (thingTypeName !== null) await this.thingTypes.requireAssignable(thingTypeName);
    assertAttributeCount(request.thingName, attributes, thingTypeName);
    const thingId = crypto.randomUUID();
    await this.db.run(
      'INSERT INTO things (thing_name, thing_type_name, attributes, version, thing_id) VALUES ($1, $2, $3, 1, $4)',
      [request.thingName, thingTypeName, JSON.stringify(attributes), thingId],
    );
    return { thing: await this.require(request.thingName), created: true };
  }

  /** Returns the thing before and after, so callers can tell what changed (e.g. its type). */
  async update(request: UpdateThingRequest): Promise<{ previous: Thing; thing: Thing }> {
    const current = await this.require(request.thingName);
    assertExpectedVersion(current, request.expectedVersion);
    if (request.removeThingType && request.thingTypeName !== undefined) {
      throw new InvalidRequestError(
        `UpdateThing for "${request.thingName}" both sets and removes the thing type: send only one of them`,
      );
    }
    const thingTypeName = request.removeThingType ? null : (request.thingTypeName ?? current.thingTypeName);
    if (thingTypeName !== null && thingTypeName !== current.thingTypeName) {
      await this.thingTypes.requireAssignable(thingTypeName);
    }
    const attributes = applyAttributePayload(current.attributes, request.attributePayload);
    assertAttributeCount(request.thingName, attributes, thingTypeName);
    await this.db.run(
      'UPDATE things SET thing_type_name = $2, attributes = $3, version = version + 1 WHERE thing_name = $1',
      [request.thingName, thingTypeName, JSON.stringify(attributes)],
    );
    return { previous: current, thing: await this.require(request.thingName) };
  }

  /** Deleting a thing that does not exist succeeds, as in AWS. Returns the thing deleted, if there was one. */
  async delete(thingName: string, request: DeleteRequest = {}): Promise<Thing | undefined> {
    assertThingName(thingName);
    const current = await this.describe(thingName);
    if (!current) return undefined;
    assertExpectedVersion(current, request.expectedVersion);
    await this.db.transaction(async () => {
      await this.db.run('DELETE FROM thing_group_members WHERE thing_name = $1', [thingName]);
      await this.db.run('DELETE FROM things WHERE thing_name = $1', [thingName]);
    });
    return current;
  }

  async list(request: ListThingsRequest = {}): Promise<ThingPage> {
    const cursor = cursorOf(request);
    if (request.attributeValue !== undefined && request.attributeName === undefined) {
      throw new InvalidRequestError(
        'ListThings: attributeValue filters by an attribute: give attributeName too',
      );
    }
    if (request.thingTypeName !== undefined) assertResourceName('Thing type', request.thingTypeName);
    const rows = await this.db.rows(
      `SELECT * FROM things WHERE thing_name > $1 AND ($2::VARCHAR IS NULL OR thing_type_name = $2)
       ORDER BY thing_name`,
      [cursor.after, request.thingTypeName ?? null],
    );
    // Attribute names may hold JSON-path characters (. [ ]), so the attribute filter runs here, not in SQL.
    const matching = rows.map((row) => this.toThing(row)).filter((thing) => matchesAttribute(thing, request));
    const page = pageFrom(matching.slice(0, cursor.limit + 1), cursor, (thing) => thing.thingName);
    return { things: page.items, ...(page.nextToken && { nextToken: page.nextToken }) };
  }

  async countOfType(thingTypeName: string): Promise<number> {
    const [row] = await this.db.rows('SELECT count(*) AS n FROM things WHERE thing_type_name = $1', [
      thingTypeName,
    ]);
    return Number(row?.['n'] ?? 0);
  }

  private toThing(row: Row): Thing {
    const thingName = String(row['thing_name']);
    return {
      thingName,
      thingId: String(row['thing_id']),
      thingArn: arnOf(this.scope, 'thing', thingName),
      thingTypeName: row['thing_type_name'] === null ? null : String(row['thing_type_name']),
      attributes: parseAttributes(row['attributes']),
      version: Number(row['version']),
      defaultClientId: thingName,
    };
  }
}

function matchesAttribute(thing: Thing, request: ListThingsRequest): boolean {
  if (request.attributeName === undefined) return true;
  const value = thing.attributes[request.attributeName];
  if (value === undefined) return false;
  if (request.attributeValue === undefined) return true;
  return request.usePrefixAttributeValue
    ? value.startsWith(request.attributeValue)
    : value === request.attributeValue;
}

function assertExpectedVersion(thing: Thing, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== thing.version) {
    throw new VersionConflictError('Thing', thing.thingName, expectedVersion, thing.version);
  }
}
