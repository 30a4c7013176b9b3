// The device registry (things, their type and attributes) in an embedded DuckDB database file.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ThingName } from '@tributary/contracts';

export interface Thing {
  readonly thingName: string;
  readonly thingTypeName: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly version: number;
}

export interface CreateThingRequest {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export class ThingAlreadyExistsError extends Error {
  readonly code = 'RESOURCE_ALREADY_EXISTS';
  constructor(thingName: string) {
    super(`Thing "${thingName}" already exists with a different type or attributes`);
  }
}

export class InvalidThingNameError extends Error {
  readonly code = 'INVALID_REQUEST';
  constructor(thingName: string) {
    super(`Invalid thing name "${thingName}": use 1-128 characters of [a-zA-Z0-9:_-]`);
  }
}

export class LocalRegistry {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens (or creates) the registry database; `:memory:` keeps it in memory. */
  static async open(path: string): Promise<LocalRegistry> {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE IF NOT EXISTS things (
      thing_name VARCHAR PRIMARY KEY,
      thing_type_name VARCHAR,
      attributes VARCHAR NOT NULL,
      version INTEGER NOT NULL)`);
    return new LocalRegistry(instance, connection);
  }

  /** Like AWS CreateThing: idempotent for an identical request, an error for a conflicting one. */
  async createThing(request: CreateThingRequest): Promise<Thing> {
    if (!ThingName.safeParse(request.thingName).success) throw new InvalidThingNameError(request.thingName);
    const wanted: Thing = {
      thingName: request.thingName,
      thingTypeName: request.thingTypeName ?? null,
      attributes: { ...request.attributes },
      version: 1,
    };
    const existing = await this.describeThing(request.thingName);
    if (existing) {
      const same =
        existing.thingTypeName === wanted.thingTypeName &&
        JSON.stringify(existing.attributes) === JSON.stringify(wanted.attributes);
      if (!same) throw new ThingAlreadyExistsError(request.thingName);
      return existing;
    }
    await this.connection.run('INSERT INTO things VALUES ($1, $2, $3, $4)', [
      wanted.thingName,
      wanted.thingTypeName,
      JSON.stringify(wanted.attributes),
      wanted.version,
    ]);
    return wanted;
  }

  async describeThing(thingName: string): Promise<Thing | undefined> {
    const reader = await this.connection.runAndReadAll('SELECT * FROM things WHERE thing_name = $1', [
      thingName,
    ]);
    const row = reader.getRowObjectsJS()[0];
    return row ? toThing(row) : undefined;
  }

  async listThings(): Promise<Thing[]> {
    const reader = await this.connection.runAndReadAll('SELECT * FROM things ORDER BY thing_name');
    return reader.getRowObjectsJS().map(toThing);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function toThing(row: Record<string, unknown>): Thing {
  return {
    thingName: String(row['thing_name']),
    thingTypeName: row['thing_type_name'] === null ? null : String(row['thing_type_name']),
    attributes: JSON.parse(String(row['attributes'])) as Record<string, string>,
    version: Number(row['version']),
  };
}
