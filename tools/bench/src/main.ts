// `pnpm bench <name>` runs one benchmark, `pnpm bench all` every one; exit 1 when a target is missed.
import { dashboard } from './dashboard.js';
import { detect } from './detect.js';
import { e2e } from './e2e/e2e.js';
import { enrich } from './enrich.js';
import { ingest } from './ingest/ingest.js';
import { lake } from './lake.js';
import { nab } from './nab.js';
import { query } from './query.js';
import { walkingSkeleton } from './walking-skeleton.js';

const benchmarks: Record<string, { readonly about: string; readonly run: () => Promise<boolean> }> = {
  'walking-skeleton': {
    about: 'start → first enriched reading in SQL (≤ 10 s); publish → queryable (≤ 2 s)',
    run: walkingSkeleton,
  },
  ingest: {
    about: 'QoS 1 msg/s through the endpoint vs bare aedes (≥ 0.8×); memory per idle connection (≤ 30 KB)',
    run: ingest,
  },
  e2e: {
    about:
      'the whole platform, devices → SQL: msg/s vs bare aedes pub→sub (≥ 0.8×), batched readings/s (≥ 1M), ' +
      'publish → queryable at half load (p99 ≤ 1 s), peak memory; --minutes 10: memory flat',
    run: e2e,
  },
  detect: {
    about: 'default anomaly detector throughput on one core (≥ 1M points/s)',
    run: detect,
  },
  enrich: {
    about: 'enrichments/s of the environment-sensor profile on one core (≥ 1M readings/s)',
    run: enrich,
  },
  query: {
    about: "the dashboard's named queries over 10M readings in the Parquet lake (p50 ≤ 100 ms)",
    run: query,
  },
  lake: {
    about: 'readings/s into the lake via LakeWriter vs DuckDB COPY (≥ 1M/s); fleet_series p50 ≤ 100 ms',
    run: lake,
  },
  dashboard: {
    about: 'first paint of the local dashboard with 1,000 devices in the lake (< 1 s), in Chromium',
    run: dashboard,
  },
  nab: {
    about: 'default detector NAB score on ../shared/data/nab (subset target: ARTime 69.1)',
    run: nab,
  },
};

async function main(name: string | undefined): Promise<number> {
  const selected = name === 'all' ? Object.keys(benchmarks) : name ? [name] : [];
  const unknown = selected.filter((n) => !(n in benchmarks));
  if (selected.length === 0 || unknown.length > 0) {
    if (unknown.length > 0) console.error(`Unknown benchmark: ${unknown.join(', ')}`);
    console.error('Usage: pnpm bench <name> | all\n');
    for (const [n, b] of Object.entries(benchmarks)) console.error(`  ${n.padEnd(20)} ${b.about}`);
    return 2;
  }
  let allMet = true;
  for (const n of selected) allMet = (await benchmarks[n]!.run()) && allMet;
  return allMet ? 0 : 1;
}

process.exitCode = await main(process.argv[2]);
