#!/usr/bin/env node
// Adds up every project's vitest JSON report (<project>/test-results/vitest.json) into one closing
// line, "N passed, N failed, N skipped", so CI output ends with the whole run at a glance.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const totals = { passed: 0, failed: 0, skipped: 0 };
const failing = [];
for (const group of ['packages', 'apps', 'tools']) {
  for (const project of await readdir(group).catch(() => [])) {
    const file = join(group, project, 'test-results', 'vitest.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(await readFile(file, 'utf8'));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    if ((report.numFailedTests ?? 0) > 0 || report.success === false) failing.push(`${group}/${project}`);
  }
}
if (failing.length > 0) console.log(`failing: ${failing.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
