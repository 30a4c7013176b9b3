// `tributary catalog diff|show`: the lake's catalogue as the contract defines it, and its drift from the
// Glue database deployed on AWS. `diff` exits 1 on any drift, so CI can stop a deploy that would break.
import { GlueClient } from '@aws-sdk/client-glue';
import { diffCatalog, glueDatabaseName, lakeCatalogOf, type CatalogDrift } from '@tributary/store';
import { deployedTablesOf, GlueCatalogError } from '@tributary/store/aws';
import { localLakeCatalogOf } from '@tributary/store/local';
import { lakeDirOf, parseConfig } from '../config.js';

export interface CatalogCommandOptions {
  /** @default tributary_lake */
  readonly database?: string;
  /** @default the AWS SDK's (AWS_REGION, the profile's region) */
  readonly region?: string;
  /** table | json. @default table */
  readonly format?: string;
  /** Where `show` locates the local lake. @default ./.tributary */
  readonly dataDir?: string;
  /** The client `diff` reads Glue through. @default a GlueClient for `region` */
  readonly glueClient?: GlueClient;
}

const usage =
  'Usage: tributary catalog diff [--database NAME] [--region R] [--format table|json]\n' +
  '       tributary catalog show [--data-dir DIR]\n';

export async function runCatalogCommand(
  subcommand: string | undefined,
  options: CatalogCommandOptions,
): Promise<number> {
  switch (subcommand) {
    case 'diff':
      return runCatalogDiff(options);
    case 'show':
      return runCatalogShow(options);
    default:
      process.stderr.write(
        `${subcommand ? `Unknown catalog subcommand "${subcommand}".` : 'Give a catalog subcommand.'}\n${usage}`,
      );
      return 2;
  }
}

function runCatalogShow(options: CatalogCommandOptions): number {
  const config = parseConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  process.stdout.write(`${JSON.stringify(localLakeCatalogOf(lakeDirOf(config)), null, 2)}\n`);
  return 0;
}

async function runCatalogDiff(options: CatalogCommandOptions): Promise<number> {
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'json') {
    process.stderr.write(`Unknown format "${format}": use table or json\n`);
    return 2;
  }
  const database = options.database ?? glueDatabaseName;
  const client = options.glueClient ?? new GlueClient(options.region ? { region: options.region } : {});
  let drifts: CatalogDrift[];
  try {
    // The bucket is a deploy-time value the diff leaves out, so any root stands in for it here.
    drifts = diffCatalog(lakeCatalogOf('s3://lake-bucket'), await deployedTablesOf(client, database));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint =
      error instanceof GlueCatalogError
        ? ' (--database NAME, --region R)'
        : '\nCredentials and region come from the AWS SDK (AWS_PROFILE, AWS_REGION) or --region R.';
    process.stderr.write(`tributary catalog diff: ${message}${hint}\n`);
    return 2;
  }
  const region = await client.config.region();
  process.stdout.write(
    format === 'json'
      ? `${JSON.stringify({ database, region, ...countsOf(drifts), drifts }, null, 2)}\n`
      : toTable(database, region, drifts),
  );
  return drifts.length === 0 ? 0 : 1;
}

const countsOf = (drifts: readonly CatalogDrift[]) => ({
  additive: drifts.filter((drift) => drift.severity === 'additive').length,
  breaking: drifts.filter((drift) => drift.severity === 'breaking').length,
});

function toTable(database: string, region: string, drifts: readonly CatalogDrift[]): string {
  const where = `Glue database ${database} (${region})`;
  if (drifts.length === 0) return `${where} matches the contract: no drift.\n`;
  const { additive, breaking } = countsOf(drifts);
  const tableWidth = Math.max(...drifts.map((drift) => drift.table.length));
  const lines = drifts.map(
    (drift) =>
      `${drift.severity.toUpperCase().padEnd(8)}  ${drift.table.padEnd(tableWidth)}  ${drift.message}`,
  );
  return [
    `${where} differs from the contract: ${additive} additive, ${breaking} breaking.`,
    '',
    ...lines,
    '',
  ].join('\n');
}
