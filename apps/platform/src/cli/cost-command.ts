// `tributary cost --devices N --interval S --payload BYTES [--batch K] [--metrics M] [--basic-ingest]`:
// the monthly AWS bill of a fleet on this platform's design, and what batching and Basic Ingest save.
import { compareDesignOptions, pricesAsOf, type CostProjection } from '@tributary/cross-cutting';

export const costUsage =
  'tributary cost --devices N --interval SECONDS --payload BYTES [--batch K] [--metrics M] [--basic-ingest]';

const usd = (amount: number) =>
  `$${amount.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function positive(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const number = Number(value);
  if (value === undefined || !Number.isFinite(number) || number <= 0) {
    throw new Error(`--${name} needs a positive number (got ${value ?? 'nothing'}). Usage: ${costUsage}`);
  }
  return number;
}

function describeProjection(projection: CostProjection): string {
  const width = Math.max(...projection.lines.map((l) => l.component.length));
  const rows = projection.lines.map(
    (l) => `  ${l.component.padEnd(width)}  ${usd(l.monthlyUsd).padStart(12)}   ${l.quantity}`,
  );
  return [...rows, `  ${'total per month'.padEnd(width)}  ${usd(projection.totalUsd).padStart(12)}`].join(
    '\n',
  );
}

export function runCostCommand(options: Record<string, string | undefined>): number {
  const scenario = {
    devices: positive('devices', options['devices']),
    intervalSeconds: positive('interval', options['interval']),
    payloadBytes: positive('payload', options['payload']),
    readingsPerMessage: Math.round(positive('batch', options['batch'], 1)),
    metricsPerReading: Math.round(positive('metrics', options['metrics'], 1)),
    ingest: options['basic-ingest'] ? ('basic-ingest' as const) : ('topic' as const),
  };
  const [given, ...alternatives] = compareDesignOptions(scenario);
  const out: string[] = [
    `${scenario.devices} devices, a reading every ${scenario.intervalSeconds} s of ${scenario.payloadBytes} B, ` +
      `${scenario.readingsPerMessage} per message, ${scenario.metricsPerReading} metric(s) each, ` +
      `${scenario.ingest === 'basic-ingest' ? 'Basic Ingest' : 'normal topics'}; 30-day month, prices ${pricesAsOf}:`,
    describeProjection(given!.projection),
    '',
    'Design options:',
    ...alternatives.map((option) => {
      const saving = given!.projection.totalUsd - option.projection.totalUsd;
      return `  ${option.name.padEnd(32)} ${usd(option.projection.totalUsd).padStart(12)}  (${saving >= 0 ? 'saves' : 'costs'} ${usd(Math.abs(saving))})`;
    }),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
