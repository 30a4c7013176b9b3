// The registry's embedded DuckDB file and its schema, including the migration of older files.
import { EmbeddedDatabase } from '../embedded-database.js';

export type { Row, SqlParams } from '../embedded-database.js';
export type RegistryDatabase = EmbeddedDatabase;

const registrySchema: readonly string[] = [
  // The first registry files had only name, type, attributes and version: ids are added in place.
  `CREATE TABLE IF NOT EXISTS things (
      thing_name VARCHAR PRIMARY KEY,
      thing_type_name VARCHAR,
      attributes VARCHAR NOT NULL,
      version INTEGER NOT NULL)`,
  'ALTER TABLE things ADD COLUMN IF NOT EXISTS thing_id VARCHAR',
  'UPDATE things SET thing_id = uuid()::VARCHAR WHERE thing_id IS NULL',
  `CREATE TABLE IF NOT EXISTS thing_types (
      thing_type_name VARCHAR PRIMARY KEY,
      thing_type_id VARCHAR NOT NULL,
      description VARCHAR,
      searchable_attributes VARCHAR NOT NULL,
      deprecated BOOLEAN NOT NULL,
      deprecation_date BIGINT,
      creation_date BIGINT NOT NULL)`,
  // Those files also named thing types that were never created; create them so every type resolves.
  `INSERT INTO thing_types
       SELECT DISTINCT thing_type_name, uuid()::VARCHAR, NULL, '[]', false, NULL, epoch_ms(now())
       FROM things
       WHERE thing_type_name IS NOT NULL
         AND thing_type_name NOT IN (SELECT thing_type_name FROM thing_types)`,
  `CREATE TABLE IF NOT EXISTS thing_groups (
      thing_group_name VARCHAR PRIMARY KEY,
      thing_group_id VARCHAR NOT NULL,
      parent_group_name VARCHAR,
      description VARCHAR,
      attributes VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      creation_date BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS thing_group_members (
      thing_group_name VARCHAR NOT NULL,
      thing_name VARCHAR NOT NULL,
      PRIMARY KEY (thing_group_name, thing_name))`,
  // Registry events report a membership id; files from before them get one per existing membership.
  'ALTER TABLE thing_group_members ADD COLUMN IF NOT EXISTS membership_id VARCHAR',
  'UPDATE thing_group_members SET membership_id = uuid()::VARCHAR WHERE membership_id IS NULL',
  // UpdateEventConfigurations: one row per event type ever configured; absent means disabled, as on AWS.
  `CREATE TABLE IF NOT EXISTS event_configurations (
      event_type VARCHAR PRIMARY KEY,
      enabled BOOLEAN NOT NULL,
      creation_date BIGINT NOT NULL,
      last_modified_date BIGINT NOT NULL)`,
];

export const openRegistryDatabase = (path: string): Promise<RegistryDatabase> =>
  EmbeddedDatabase.open(path, registrySchema);
