// How many telemetry rows the lake holds per message id, read through the platform's SQL API a page
// at a time (the API caps an answer at 10 000 rows).
import { sqlOver } from '../platform-process.js';

const pageSize = 5_000;

/** message id → rows, for the things whose names start with `thingNamePrefix`. */
export async function lakeCopiesByMessageId(
  dashboardUrl: string,
  thingNamePrefix: string,
): Promise<Map<string, number>> {
  const copies = new Map<string, number>();
  let after = '';
  for (;;) {
    const page = await sqlOver<{ message_id: string; copies: number }>(
      dashboardUrl,
      'SELECT message_id, count(*) AS copies FROM telemetry WHERE starts_with(thing_name, ?) AND message_id > ? ' +
        'GROUP BY message_id ORDER BY message_id LIMIT ?',
      [thingNamePrefix, after, pageSize],
    );
    for (const row of page) copies.set(row.message_id, Number(row.copies));
    if (page.length < pageSize) return copies;
    after = page[page.length - 1]?.message_id ?? after;
  }
}
