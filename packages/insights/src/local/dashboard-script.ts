// The dashboard page's script (plain browser JavaScript, no dependencies, no network but this server).
// Every value from the data goes into the page through textContent, never as HTML.
export const dashboardScript = String.raw`
'use strict';
(() => {
  const fields = JSON.parse(document.getElementById('dashboard-fields').textContent);
  const limits = { readings: 200, anomalies: 50, quarantine: 50 };
  const state = { readings: [], anomalies: [], quarantine: [], devices: new Map(), dropped: 0 };
  const byId = (id) => document.getElementById(id);

  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const timeText = (epochMillis) => new Date(epochMillis).toISOString().replace('T', ' ').slice(0, 23);
  const valueText = (value, type) => {
    if (value === null || value === undefined) return 'NULL';
    if (type === 'timestamp' && typeof value === 'number') return timeText(value);
    if (typeof value === 'number') return String(Math.round(value * 1000) / 1000);
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  };
  const cell = (value, type) => el('td', valueText(value, type), value === null || value === undefined ? 'null' : '');

  const fillTable = (table, columns, rows) => {
    const head = el('tr');
    for (const column of columns) head.append(el('th', column.name));
    table.tHead.replaceChildren(head);
    table.tBodies[0].replaceChildren(
      ...rows.map((row) => {
        const tr = el('tr');
        for (const column of columns) tr.append(cell(row[column.name], column.type));
        return tr;
      }),
    );
  };

  const keepNewest = (list, item, limit) => {
    list.unshift(item);
    if (list.length > limit) list.length = limit;
  };

  const rememberDevice = (reading) => {
    const keys = fields.device;
    const name = reading[keys.thing];
    const device = state.devices.get(name) || { metrics: new Map(), lastSeen: 0 };
    device.thingType = reading[keys.thingType];
    device.site = reading[keys.site];
    device.metrics.set(reading[keys.metric], reading[keys.value]);
    device.lastSeen = Math.max(device.lastSeen, reading[keys.time]);
    state.devices.set(name, device);
  };

  const renderDevices = () => {
    const rows = [...state.devices.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    byId('devices').tBodies[0].replaceChildren(
      ...rows.map(([name, device]) => {
        const metrics = el('td');
        for (const [metric, value] of [...device.metrics.entries()].sort()) {
          metrics.append(el('span', metric + ' = ' + valueText(value, 'double'), 'metric'));
        }
        const tr = el('tr');
        tr.append(el('td', name), cell(device.thingType), cell(device.site), metrics, el('td', timeText(device.lastSeen)));
        return tr;
      }),
    );
  };

  let renderScheduled = false;
  const render = () => {
    renderScheduled = false;
    fillTable(byId('readings'), fields.reading, state.readings);
    fillTable(byId('anomalies'), fields.anomaly, state.anomalies);
    fillTable(byId('quarantine'), fields.quarantine, state.quarantine);
    renderDevices();
    byId('dropped').textContent = state.dropped > 0 ? state.dropped + ' live events skipped (the page fell behind)' : '';
  };
  const scheduleRender = () => {
    if (renderScheduled) return;
    renderScheduled = true;
    setTimeout(render, 100);
  };

  const connectLive = () => {
    const live = new EventSource('/api/live');
    const connection = byId('connection');
    live.onopen = () => {
      connection.textContent = 'live';
      connection.className = 'ok';
    };
    live.onerror = () => {
      connection.textContent = 'reconnecting…';
      connection.className = 'warn';
    };
    const on = (type, handle) =>
      live.addEventListener(type, (message) => {
        handle(JSON.parse(message.data));
        scheduleRender();
      });
    on('reading', (reading) => {
      keepNewest(state.readings, reading, limits.readings);
      rememberDevice(reading);
    });
    on('anomaly', (event) => keepNewest(state.anomalies, event, limits.anomalies));
    on('quarantine', (record) => keepNewest(state.quarantine, record, limits.quarantine));
    on('dropped', (notice) => (state.dropped += notice.count));
  };

  const flatten = (value, prefix, into) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? prefix + '.' + key : key, into);
    } else {
      into.push([prefix, value]);
    }
    return into;
  };
  const pollStatus = async () => {
    const list = byId('status');
    try {
      const response = await fetch('/api/status', { cache: 'no-store' });
      const status = await response.json();
      list.replaceChildren(...flatten(status, '', []).flatMap(([key, value]) => [el('dt', key), el('dd', valueText(value))]));
    } catch (error) {
      list.replaceChildren(el('dt', 'status'), el('dd', 'unavailable: ' + error.message, 'error'));
    } finally {
      setTimeout(pollStatus, 2000);
    }
  };

  const runSql = async () => {
    const summary = byId('sql-summary');
    const failure = byId('sql-error');
    const result = byId('sql-result');
    summary.textContent = 'running…';
    failure.textContent = '';
    try {
      const response = await fetch('/api/query', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: byId('sql').value }),
      });
      const answer = await response.json();
      if (answer.error) {
        summary.textContent = '';
        failure.textContent = answer.error.code + ': ' + answer.error.message;
        fillTable(result, [], []);
        return;
      }
      fillTable(result, answer.columns, answer.rows);
      summary.textContent =
        answer.rows.length + (answer.rows.length === 1 ? ' row' : ' rows') +
        (answer.truncated ? ' (truncated)' : '') + ' in ' + answer.elapsedMs + ' ms';
    } catch (error) {
      summary.textContent = '';
      failure.textContent = 'The query could not be sent: ' + error.message;
    }
  };

  byId('sql-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runSql();
  });
  byId('sql').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runSql();
    }
  });

  render();
  connectLive();
  pollStatus();
})();
`;
