// The widgets drawn from the platform's counters (GET /api/status): pipeline health, with the lake's
// quarantine reasons, and the running AWS cost estimate.
import type { CostEstimateWidget, PipelineHealthWidget } from '../core/dashboard-definition.js';
import type { RowsData } from '../core/widget-data.js';
import { el, fillTable, scrollingTable, valueText } from './dom.js';
import { fetchWidgetData, type PlatformStatus, type WidgetView } from './widget-view.js';

/** Nested objects as `lake.filesWritten`-style keys. */
function flatten(value: unknown, prefix: string, into: [string, unknown][] = []): [string, unknown][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.push([prefix, value]);
  }
  return into;
}

const definitionList = (entries: [string, unknown][]) =>
  entries.flatMap(([key, value]) => [el('dt', key), el('dd', valueText(value))]);

export function pipelineHealthView(widget: PipelineHealthWidget, body: HTMLElement): WidgetView {
  const counters = el('dl');
  counters.id = `${widget.id}-status`;
  const { box, table } = scrollingTable(`${widget.id}-quarantine`);
  body.append(counters, el('h3', 'Quarantined, by reason'), box);
  let reasons: Record<string, unknown>[] = [];
  const columns = [{ name: 'reason' }, { name: 'messages' }, { name: 'last_received_at', type: 'timestamp' }];
  const render = () => fillTable(table, columns, reasons);
  render();
  return {
    load: async (range) => {
      reasons = (await fetchWidgetData<RowsData>(widget.id, range)).rows;
      render();
    },
    quarantine: (record) => {
      const known = reasons.find((row) => row['reason'] === record.reason);
      if (known) {
        known['messages'] = Number(known['messages']) + 1;
        known['last_received_at'] = record.received_at;
      } else {
        reasons = [{ reason: record.reason, messages: 1, last_received_at: record.received_at }, ...reasons];
      }
      render();
    },
    status: (status) => {
      const { awsCostSoFar: _cost, ...pipeline } = status;
      counters.replaceChildren(...definitionList(flatten(pipeline, '')));
    },
  };
}

export function costEstimateView(widget: CostEstimateWidget, body: HTMLElement): WidgetView {
  const total = el('p', '—', 'cost-total');
  total.id = `${widget.id}-total`;
  const breakdown = el('dl');
  const note = el(
    'p',
    'What this traffic would cost on AWS (usage charges only: no shard-hours or storage).',
    'widget-note',
  );
  body.append(total, note, breakdown);
  return {
    load: async () => undefined,
    status: (status: PlatformStatus) => {
      const cost = status['awsCostSoFar'] as Record<string, unknown> | undefined;
      if (!cost) {
        total.textContent = 'not reported by this platform';
        return;
      }
      const { estimatedUsd, ...counts } = cost;
      total.textContent =
        typeof estimatedUsd === 'number'
          ? `$${estimatedUsd.toFixed(estimatedUsd < 1 ? 6 : 2)}`
          : valueText(estimatedUsd);
      breakdown.replaceChildren(...definitionList(Object.entries(counts)));
    },
  };
}
