// Thing types: create, describe, list, deprecate and delete, with IoT's life cycle: a type is immutable,
// can be deprecated (no new things may use it) and deleted only once deprecated for five minutes and
// unused: https://docs.aws.amazon.com/iot/latest/developerguide/delete-thing-types.html
import { arnOf, type ArnScope } from './arns.js';
import type { RegistryDatabase, Row } from './database.js';
import { InvalidRequestError, ResourceAlreadyExistsError, ResourceNotFoundError } from './errors.js';
import { cursorOf, pageFrom } from './pagination.js';
import type { CreateThingTypeRequest, ListThingTypesRequest, ThingType, ThingTypePage } from './types.js';
import { assertAttributes, assertResourceName, maxSearchableAttributes } from './validation.js';

/** How long a type must have been deprecated before DeleteThingType accepts it. */
export const thingTypeDeletionDelayMs = 5 * 60_000;

export class ThingTypeStore {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly scope: ArnScope,
    private readonly clock: () => number,
  ) {}

  async describe(thingTypeName: string): Promise<ThingType | undefined> {
    const [row] = await this.db.rows('SELECT * FROM thing_types WHERE thing_type_name = $1', [thingTypeName]);
    return row && this.toThingType(row);
  }

  async require(thingTypeName: string): Promise<ThingType> {
    assertResourceName('Thing type', thingTypeName);
    const thingType = await this.describe(thingTypeName);
    if (!thingType) throw new ResourceNotFoundError('Thing type', thingTypeName);
    return thingType;
  }

  /** A type a thing may be given now: it exists and is not deprecated. */
  async requireAssignable(thingTypeName: string): Promise<ThingType> {
    const thingType = await this.require(thingTypeName);
    if (thingType.thingTypeMetadata.deprecated) {
      throw new InvalidRequestError(
        `Thing type "${thingTypeName}" is deprecated and takes no new things: ` +
          'use another type, or undo the deprecation with DeprecateThingType undoDeprecate=true',
      );
    }
    return thingType;
  }

  /** Idempotent for identical properties (searchable attributes compared as a set). */
  async create(request: CreateThingTypeRequest): Promise<{ thingType: ThingType; created: boolean }> {
    assertResourceName('Thing type', request.thingTypeName);
    const description = request.thingTypeProperties?.thingTypeDescription ?? null;
    const searchable = [...new Set(request.thingTypeProperties?.searchableAttributes ?? [])].sort();
    if (searchable.length > maxSearchableAttributes) {
      throw new InvalidRequestError(
        `Thing type "${request.thingTypeName}" names ${searchable.length} searchable attributes; at most ${maxSearchableAttributes} are allowed`,
      );
    }
    assertAttributes(Object.fromEntries(searchable.map((name) => [name, ''])));
    const existing = await this.describe(request.thingTypeName);
    if (existing) {
      const props = existing.thingTypeProperties;
      const same =
        props.thingTypeDescription === description &&
        JSON.stringify([...props.searchableAttributes].sort()) === JSON.stringify(searchable);
      if (same) return { thingType: existing, created: false };
      throw new ResourceAlreadyExistsError(
        'Thing type',
        existing.thingTypeName,
        existing.thingTypeId,
        existing.thingTypeArn,
      );
    }
    await this.db.run(
      `INSERT INTO thing_types (thing_type_name, thing_type_id, description, searchable_attributes, deprecated,
         deprecation_date, creation_date) VALUES ($1, $2, $3, $4, false, NULL, $5)`,
      [request.thingTypeName, crypto.randomUUID(), description, JSON.stringify(searchable), this.clock()],
    );
    return { thingType: await this.require(request.thingTypeName), created: true };
  }

  async list(request: ListThingTypesRequest = {}): Promise<ThingTypePage> {
    const cursor = cursorOf(request);
    const rows = await this.db.rows(
      `SELECT * FROM thing_types WHERE thing_type_name > $1 AND ($2::VARCHAR IS NULL OR thing_type_name = $2)
       ORDER BY thing_type_name LIMIT $3`,
      [cursor.after, request.thingTypeName ?? null, cursor.limit + 1],
    );
    const page = pageFrom(
      rows.map((row) => this.toThingType(row)),
      cursor,
      (type) => type.thingTypeName,
    );
    return { thingTypes: page.items, ...(page.nextToken && { nextToken: page.nextToken }) };
  }

  /** Deprecating again keeps the first deprecation date, so the deletion delay does not restart. */
  async deprecate(thingTypeName: string, undoDeprecate = false): Promise<ThingType> {
    const current = await this.require(thingTypeName);
    if (undoDeprecate) {
      await this.db.run(
        'UPDATE thing_types SET deprecated = false, deprecation_date = NULL WHERE thing_type_name = $1',
        [thingTypeName],
      );
    } else if (!current.thingTypeMetadata.deprecated) {
      await this.db.run(
        'UPDATE thing_types SET deprecated = true, deprecation_date = $2 WHERE thing_type_name = $1',
        [thingTypeName, this.clock()],
      );
    }
    return this.require(thingTypeName);
  }

  /** Returns the type as it was before the deletion. */
  async delete(thingTypeName: string, thingsOfType: number): Promise<ThingType> {
    const thingType = await this.require(thingTypeName);
    const { thingTypeMetadata } = thingType;
    if (!thingTypeMetadata.deprecated || thingTypeMetadata.deprecationDate === null) {
      throw new InvalidRequestError(
        `Thing type "${thingTypeName}" is not deprecated: deprecate it with DeprecateThingType, wait five minutes, then delete it`,
      );
    }
    const deletableAt = thingTypeMetadata.deprecationDate.getTime() + thingTypeDeletionDelayMs;
    if (this.clock() < deletableAt) {
      throw new InvalidRequestError(
        `Thing type "${thingTypeName}" was deprecated less than five minutes ago: delete it after ${new Date(deletableAt).toISOString()}`,
      );
    }
    if (thingsOfType > 0) {
      throw new InvalidRequestError(
        `Thing type "${thingTypeName}" still has ${thingsOfType} thing(s): move them to another type or remove ` +
          'their type with UpdateThing removeThingType=true, then delete it',
      );
    }
    await this.db.run('DELETE FROM thing_types WHERE thing_type_name = $1', [thingTypeName]);
    return thingType;
  }

  private toThingType(row: Row): ThingType {
    const thingTypeName = String(row['thing_type_name']);
    const deprecationDate = row['deprecation_date'];
    return {
      thingTypeName,
      thingTypeId: String(row['thing_type_id']),
      thingTypeArn: arnOf(this.scope, 'thingtype', thingTypeName),
      thingTypeProperties: {
        thingTypeDescription: row['description'] === null ? null : String(row['description']),
        searchableAttributes: JSON.parse(String(row['searchable_attributes'])) as string[],
      },
      thingTypeMetadata: {
        deprecated: Boolean(row['deprecated']),
        deprecationDate: deprecationDate === null ? null : new Date(Number(deprecationDate)),
        creationDate: new Date(Number(row['creation_date'])),
      },
    };
  }
}
