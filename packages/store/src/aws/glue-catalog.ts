// The lake's catalogue as deployed: every table of the Glue database, read through GetTables.
import { EntityNotFoundException, GetTablesCommand, type GlueClient, type Table } from '@aws-sdk/client-glue';
import { glueDatabaseName } from '../core/index.js';

export type GlueCatalogErrorCode = 'DATABASE_NOT_FOUND';

export class GlueCatalogError extends Error {
  override readonly name = 'GlueCatalogError';

  constructor(
    readonly code: GlueCatalogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Every table of `databaseName`, following NextToken until the last page.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_GetTables.html
 */
export async function deployedTablesOf(
  client: GlueClient,
  databaseName = glueDatabaseName,
): Promise<Table[]> {
  const tables: Table[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client
      .send(new GetTablesCommand({ DatabaseName: databaseName, NextToken: nextToken }))
      .catch(async (error: unknown) => {
        if (!(error instanceof EntityNotFoundException)) throw error;
        const region = await client.config.region();
        throw new GlueCatalogError(
          'DATABASE_NOT_FOUND',
          `Glue database "${databaseName}" does not exist in ${region}: deploy the store stage ` +
            `(nx deploy store), or name the region and database it was deployed to.`,
          { cause: error },
        );
      });
    tables.push(...(page.TableList ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return tables;
}
