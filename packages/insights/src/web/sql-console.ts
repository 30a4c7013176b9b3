// The SQL box: read-only SQL over the lake (POST /api/query), its rows as a table, its error as the
// server's code and message.
import type { QueryResult } from '../core/query-result.js';
import { byId, fillTable } from './dom.js';
import { fetchJson } from './widget-view.js';

export function startSqlConsole(): void {
  const input = byId<HTMLTextAreaElement>('sql');
  const summary = byId('sql-summary');
  const failure = byId('sql-error');
  const result = byId<HTMLTableElement>('sql-result');

  const run = async () => {
    summary.textContent = 'running…';
    failure.textContent = '';
    try {
      const answer = await fetchJson<QueryResult>('/api/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: input.value }),
      });
      fillTable(result, answer.columns, answer.rows);
      const rows = `${answer.rows.length} ${answer.rows.length === 1 ? 'row' : 'rows'}`;
      summary.textContent = `${rows}${answer.truncated ? ' (truncated)' : ''} in ${answer.elapsedMs} ms`;
    } catch (error) {
      summary.textContent = '';
      failure.textContent = (error as Error).message;
      fillTable(result, [], []);
    }
  };

  byId('sql-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run();
    }
  });
}
