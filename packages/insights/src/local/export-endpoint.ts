// POST /api/export {sql, format}: a read statement's whole result as a CSV or Parquet file in the response
// body. It runs in a query slot and under the gate the compactor swaps files under, so `tributary export`
// reads the lake of a running platform without seeing a merge half done. The file is written to a private
// temporary directory and removed once sent: the endpoint writes nothing a user can see.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './http-responses.js';
import { readJsonBody } from './json-body.js';
import { exportFormats, type ExportFormat, type LakeExportResult } from './lake-export.js';
import { maxQueryBodyBytes, sendQueryError } from './query-endpoint.js';
import { assertSameOrigin } from './request-guards.js';

export interface LakeExports {
  exportTo(sql: string, format: ExportFormat, outPath: string): Promise<LakeExportResult>;
}

/** The number of rows the response body holds. */
export const exportedRowsHeader = 'x-tributary-rows';

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

export async function answerExport(
  req: IncomingMessage,
  res: ServerResponse,
  exports: LakeExports,
): Promise<void> {
  assertSameOrigin(req);
  const { sql, format } = exportRequestOf(await readJsonBody(req, maxQueryBodyBytes));
  const directory = await mkdtemp(join(tmpdir(), 'tributary-export-'));
  try {
    const file = join(directory, `result.${format}`);
    let result: LakeExportResult;
    try {
      result = await exports.exportTo(sql, format, file);
    } catch (error) {
      sendQueryError(res, error);
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypes[format],
      'content-length': result.bytes,
      [exportedRowsHeader]: String(result.rows),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    await pipeline(createReadStream(file), res);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function exportRequestOf(body: unknown): { sql: string; format: ExportFormat } {
  const { sql, format } = (body ?? {}) as { sql?: unknown; format?: unknown };
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      'Send {"sql": "SELECT …", "format": "csv"}: "sql" must be a non-empty string.',
    );
  }
  if (!(exportFormats as readonly unknown[]).includes(format)) {
    throw new HttpError(400, 'BAD_REQUEST', `"format" must be one of ${exportFormats.join(', ')}.`);
  }
  return { sql, format: format as ExportFormat };
}
