// The dashboard's one page: live readings, per-device latest values, anomalies, quarantine, platform
// status and a SQL box. Self-contained (no CDN, works offline); a Content-Security-Policy with the hashes
// of its own script and styles means nothing else can run in it.
import { createHash } from 'node:crypto';
import { dashboardFields } from './dashboard-fields.js';
import { dashboardScript } from './dashboard-script.js';

const styles = `
  :root { font-family: system-ui, sans-serif; color: #1d2430; background: #f4f6f9; }
  body { margin: 0; padding: 1rem 1.5rem; }
  header { display: flex; gap: 1rem; align-items: baseline; }
  h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
  h2 { font-size: 1rem; margin: 0 0 .5rem; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(32rem, 1fr)); gap: 1rem; }
  section { background: #fff; border: 1px solid #d8dee8; border-radius: 6px; padding: .75rem; overflow: auto; max-height: 28rem; }
  section.wide { grid-column: 1 / -1; max-height: none; }
  section.wide.live { max-height: 24rem; }
  table { border-collapse: collapse; width: 100%; font-size: .85rem; }
  th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #eef1f5; white-space: nowrap; }
  th { position: sticky; top: 0; background: #fff; font-family: ui-monospace, monospace; font-weight: 600; }
  td.null { color: #9aa3b0; }
  .metric { display: inline-block; margin-right: .75rem; font-family: ui-monospace, monospace; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; font-size: .85rem; }
  dt { font-family: ui-monospace, monospace; color: #556070; }
  dd { margin: 0; }
  textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; font-size: .9rem; }
  .ok { color: #1a7f37; } .warn, .error, #sql-error { color: #b42318; }
  #sql-error { white-space: pre-wrap; }
`;

const sha256Of = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export const dashboardPageHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${sha256Of(dashboardScript)}`,
    `style-src ${sha256Of(styles)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

// `<` escaped so no field value can close the script element.
const fieldsJson = JSON.stringify(dashboardFields).replaceAll('<', '\\u003c');

const table = (id: string) => `<table id="${id}"><thead></thead><tbody></tbody></table>`;

export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tributary dashboard</title>
<style>${styles}</style>
</head>
<body>
<header><h1>Tributary</h1><span id="connection">connecting…</span><span id="dropped" class="warn"></span></header>
<main>
<section><h2>Devices — latest values</h2>
<table id="devices"><thead><tr><th>device</th><th>thing type</th><th>site</th><th>metrics</th><th>last seen</th></tr></thead><tbody></tbody></table>
</section>
<section><h2>Platform status</h2><dl id="status"></dl></section>
<section class="wide live"><h2>Live readings</h2>${table('readings')}</section>
<section><h2>Recent anomalies</h2>${table('anomalies')}</section>
<section><h2>Recent quarantine</h2>${table('quarantine')}</section>
<section class="wide"><h2>SQL over the lake</h2>
<form id="sql-form">
<textarea id="sql" rows="4" spellcheck="false" aria-label="SQL">SELECT thing_name, metric, count(*) AS readings, max(received_at) AS last_received_at
FROM telemetry GROUP BY ALL ORDER BY thing_name, metric LIMIT 100</textarea>
<button id="run-sql" type="submit">Run (Ctrl+Enter)</button> <span id="sql-summary"></span>
</form>
<div id="sql-error" role="alert"></div>
${table('sql-result')}
</section>
</main>
<script type="application/json" id="dashboard-fields">${fieldsJson}</script>
<script>${dashboardScript}</script>
</body>
</html>
`;
