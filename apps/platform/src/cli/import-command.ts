// `tributary import <file.csv|file.jsonl> [--data-dir DIR]`: backfills historical readings.
import { parseConfig } from '../config.js';
import { importFormatOf } from '../import/import-lines.js';
import { importReadings, type ImportSummary } from '../import/import-readings.js';

const describe = (s: ImportSummary) =>
  `${s.lines} lines: ${s.readings} telemetry rows (one per metric), ${s.anomalies} anomaly events, ${s.quarantined} quarantined`;

export async function runImportCommand(file: string, options: { dataDir?: string }): Promise<number> {
  const format = importFormatOf(file);
  if (!file || !format) {
    process.stderr.write(
      'Give a .csv (thing_name,ts,<metric>,…) or .jsonl ({"thing_name","ts","metrics"}) file: tributary import readings.csv\n',
    );
    return 2;
  }
  const config = parseConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  const summary = await importReadings(file, format, config, (progress) =>
    process.stderr.write(`… ${describe(progress)}\n`),
  );
  process.stdout.write(`Imported ${file}: ${describe(summary)}.\n`);
  if (summary.quarantined > 0) {
    process.stdout.write(
      "See why: tributary query \"SELECT client_id, reason, detail FROM quarantine WHERE stage = 'transform' AND client_id LIKE 'import:%'\"\n",
    );
  }
  return 0;
}
