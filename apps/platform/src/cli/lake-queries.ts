// The lake as the CLI's read commands query it. While a platform runs on the data directory, its compactor
// swaps files every few seconds under a gate only its own queries share, so a query from another process
// could list a file the swap then removes: the query goes to the platform's SQL API instead, and never
// sees a swap half done. With no platform it runs in this process.
import {
  LakeQueryService,
  QueryError,
  type QueryErrorCode,
  type QueryResult,
} from '@tributary/insights/local';
import { endpointsFileOf, lakeDirOf, type PlatformConfig } from '../config.js';
import { runningPlatformEndpoints } from './local-iot-api.js';

export interface CliLakeQueries {
  /** Every failure is a QueryError. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  close(): Promise<void>;
}

export interface CliLakeQueriesOptions {
  /**
   * The bytes-scanned cutoff: in this process, the cutoff; through a running platform, a lower one for these
   * queries (the platform's --scan-limit still applies). @default the platform's
   */
  readonly scanLimitBytes?: number;
}

export async function openLakeQueries(
  config: Pick<PlatformConfig, 'dataDir'>,
  options: CliLakeQueriesOptions = {},
): Promise<CliLakeQueries> {
  const endpoints = await runningPlatformEndpoints(endpointsFileOf(config));
  if (endpoints?.dashboardUrl) return platformQueries(endpoints.dashboardUrl, options.scanLimitBytes);
  const service = await LakeQueryService.open({
    lakeDir: lakeDirOf(config),
    ...(options.scanLimitBytes === undefined ? {} : { bytesScannedCutoffPerQuery: options.scanLimitBytes }),
  });
  return { query: (sql, params) => service.query(sql, params), close: () => service.close() };
}

function platformQueries(dashboardUrl: string, scanLimitBytes: number | undefined): CliLakeQueries {
  return {
    async query(sql, params = []) {
      const response = await fetch(`${dashboardUrl}/api/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: dashboardUrl },
        body: JSON.stringify({ sql, params, ...(scanLimitBytes === undefined ? {} : { scanLimitBytes }) }),
      });
      const body = (await response.json()) as QueryResult & { error?: { code?: string; message?: string } };
      if (!response.ok) throw queryErrorOfResponse(response.status, body.error);
      return body;
    },
    close: () => Promise.resolve(),
  };
}

/** The platform's error answer as the QueryError it was there. */
export function queryErrorOfResponse(
  status: number,
  error: { code?: string; message?: string } | undefined,
): QueryError {
  return new QueryError(
    (error?.code ?? 'QUERY_FAILED') as QueryErrorCode,
    error?.message ?? `the platform's SQL API answered HTTP ${status}`,
  );
}
