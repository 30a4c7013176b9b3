// `tributary trace <correlation-id>`: where one message went — received, quarantined or enriched,
// scored, stored — from the rows it left in the lake, and what the platform logged about it.
import { assembleTrace, traceQueries, type TraceTable } from '@tributary/insights';
import type { QueryResult } from '@tributary/insights/local';
import { logFileOf, parseConfig } from '../config.js';
import { logLinesMentioning } from '../log-file.js';
import { openLakeQueries } from './lake-queries.js';

export async function runTraceCommand(correlationId: string, options: { dataDir?: string }): Promise<number> {
  if (correlationId.trim() === '') {
    process.stderr.write(
      'Give the correlation id of a message: tributary trace <id>\n' +
        '(find one with: tributary query "SELECT correlation_id FROM telemetry LIMIT 1")\n',
    );
    return 2;
  }
  const config = parseConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  // Through the running platform, if one runs: its compactor swaps files under a gate its own queries share.
  const lake = await openLakeQueries(config);
  try {
    const results = {} as Record<TraceTable, QueryResult>;
    for (const table of Object.keys(traceQueries) as TraceTable[]) {
      results[table] = await lake.query(traceQueries[table], [correlationId]);
    }
    const trace = assembleTrace(correlationId, results);
    const logged = loggedAbout(logFileOf(config), correlationId);
    if (!trace.found && logged.length === 0) {
      process.stderr.write(
        `No row in the lake carries correlation id ${correlationId}: it was never received, or is not written yet ` +
          '(the lake flushes every 0.5 s).\n',
      );
      return 1;
    }
    const steps = [...trace.steps, ...logged];
    process.stdout.write(`message ${correlationId}\n${steps.map((s) => `  ${s}`).join('\n')}\n`);
    return 0;
  } finally {
    await lake.close();
  }
}

/** The platform's log lines about the message (local `correlationId`, Powertools `correlation_id`). */
function loggedAbout(logFile: string, correlationId: string): string[] {
  return logLinesMentioning(logFile, correlationId)
    .filter((line) => line['correlationId'] === correlationId || line['correlation_id'] === correlationId)
    .map((line) => {
      const {
        correlationId: _a,
        correlation_id: _b,
        level,
        timestamp,
        message,
        service: _c,
        ...fields
      } = line;
      const details = Object.entries(fields)
        .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(', ');
      return `log        ${String(timestamp)} ${String(level)}: ${String(message)}${details ? ` (${details})` : ''}`;
    });
}
