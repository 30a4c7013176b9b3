// The fields the dashboard shows, taken from the lake contracts (DESIGN.md §3) and handed to the page as
// JSON: renaming a contract field breaks this file's build, not the page at run time.
import {
  columnsOf,
  type AnomalyEvent,
  type EnrichedReading,
  type LakeColumn,
  type LakeTableName,
  type QuarantineRecord,
} from '@tributary/contracts';

function pick<Row>(table: LakeTableName, names: readonly (keyof Row & string)[]): LakeColumn[] {
  const columns = columnsOf(table);
  return names.map((name) => {
    const column = columns.find((c) => c.name === name);
    if (!column) throw new Error(`Lake table "${table}" has no column "${name}".`);
    return column;
  });
}

export const dashboardFields = {
  /** The columns of each live table, in display order. */
  reading: pick<EnrichedReading>('telemetry', [
    'received_at',
    'thing_name',
    'metric',
    'value',
    'thing_type',
    'site',
    'anomaly_score',
  ]),
  anomaly: pick<AnomalyEvent>('anomalies', [
    'received_at',
    'thing_name',
    'metric',
    'state',
    'score',
    'value',
    'detector',
  ]),
  quarantine: pick<QuarantineRecord>('quarantine', [
    'received_at',
    'thing_name',
    'topic',
    'stage',
    'reason',
    'detail',
  ]),
  /** The reading fields the per-device view groups and labels by. */
  device: {
    thing: 'thing_name',
    thingType: 'thing_type',
    site: 'site',
    metric: 'metric',
    value: 'value',
    time: 'received_at',
  } satisfies Record<string, keyof EnrichedReading>,
};
