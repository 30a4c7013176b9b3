// The dashboard's one page: a shell that loads the bundled front end (src/web) and hands it the dashboard
// definition and the lake's field lists as JSON. Works offline (no CDN); its Content-Security-Policy lets
// only this server's script and stylesheet run in it.
import type { DashboardDefinition } from '../core/index.js';
import { dashboardFields } from './dashboard-fields.js';

/** What the page's script reads from the `dashboard-config` element. */
export interface DashboardPageConfig {
  readonly definition: DashboardDefinition;
  readonly fields: typeof dashboardFields;
}

export const dashboardPageHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const escapeText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function dashboardPageOf(definition: DashboardDefinition): string {
  const config: DashboardPageConfig = { definition, fields: dashboardFields };
  // `<` escaped so no value can close the script element.
  const configJson = JSON.stringify(config).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(definition.title)} dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script type="application/json" id="dashboard-config">${configJson}</script>
<script defer src="/assets/app.js"></script>
</head>
<body>
<header><h1>${escapeText(definition.title)}</h1><span id="connection">connecting…</span><span id="dropped" class="warn"></span></header>
<main id="widgets"></main>
<section class="panel sql"><h2>SQL over the lake</h2>
<form id="sql-form">
<textarea id="sql" rows="4" spellcheck="false" aria-label="SQL">SELECT thing_name, metric, count(*) AS readings, max(received_at) AS last_received_at
FROM telemetry GROUP BY ALL ORDER BY thing_name, metric LIMIT 100</textarea>
<button id="run-sql" type="submit">Run (Ctrl+Enter)</button> <span id="sql-summary"></span>
</form>
<div id="sql-error" role="alert"></div>
<div class="table-scroll"><table id="sql-result"><thead></thead><tbody></tbody></table></div>
</section>
</body>
</html>
`;
}
