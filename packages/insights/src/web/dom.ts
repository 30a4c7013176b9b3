// Building the page's elements. Every value from data goes in through textContent, never as HTML.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no element #${id}.`);
  return node as T;
}

/** `2026-11-25 05:15:30.123` (UTC), from epoch ms or an ISO-8601 string. */
export const timeText = (time: number | string): string =>
  new Date(time).toISOString().replace('T', ' ').slice(0, 23);

export function valueText(value: unknown, type?: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (type === 'timestamp' && (typeof value === 'number' || typeof value === 'string'))
    return timeText(value);
  if (typeof value === 'number') return String(Math.round(value * 1000) / 1000);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface TableColumn {
  readonly name: string;
  readonly type?: string;
}

export function cell(value: unknown, type?: string): HTMLTableCellElement {
  return el('td', valueText(value, type), value === null || value === undefined ? 'null' : undefined);
}

export function fillTable(
  table: HTMLTableElement,
  columns: readonly TableColumn[],
  rows: readonly Record<string, unknown>[],
): void {
  const head = el('tr');
  for (const column of columns) head.append(el('th', column.name));
  (table.tHead ?? table.createTHead()).replaceChildren(head);
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = el('tr');
      for (const column of columns) tr.append(cell(row[column.name], column.type));
      return tr;
    }),
  );
}

/** A table with a head and a body, in a scrolling box. */
export function scrollingTable(id: string): { box: HTMLDivElement; table: HTMLTableElement } {
  const table = el('table');
  table.id = id;
  table.createTHead();
  table.createTBody();
  const box = el('div', undefined, 'table-scroll');
  box.append(table);
  return { box, table };
}
