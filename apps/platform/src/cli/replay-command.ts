// `tributary replay --from <time>`: the telemetry stream delivers again every retained record that arrived
// at or after <time> (Kinesis AT_TIMESTAMP), through Transform into the lake, at the next `tributary start`
// — e.g. the messages quarantined as from an unknown thing, once it is registered. The lake's idempotency
// keys keep rows already written from appearing twice. Runs while the platform is stopped: it holds the
// stream.
import { access } from 'node:fs/promises';
import { createLogger } from '@tributary/contracts';
import { DurableTelemetryStream } from '@tributary/transform/local';
import { endpointsFileOf, parseConfig, streamDirOf } from '../config.js';
import { runningPlatformEndpoints } from './local-iot-api.js';
import { durationMsOf } from './simulate-settings.js';

export const replayUsage =
  'tributary replay --from TIME [--data-dir DIR]\n' +
  '  --from  an ISO-8601 time (2026-12-06T08:00:00Z) or how long ago (30m, 2h)\n';

export async function runReplayCommand(
  options: { from?: string; dataDir?: string },
  now: number = Date.now(),
): Promise<number> {
  const from = options.from === undefined ? undefined : instantOf(options.from, now);
  if (from === undefined) {
    process.stderr.write(
      `${options.from === undefined ? 'Give --from' : `Cannot read --from "${options.from}"`}:\n${replayUsage}`,
    );
    return 2;
  }
  const config = parseConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  if (await runningPlatformEndpoints(endpointsFileOf(config))) {
    process.stderr.write(
      `tributary start is running on ${config.dataDir} and holds the stream: stop it, replay, then start it again.\n`,
    );
    return 1;
  }
  const dir = streamDirOf(config);
  if (
    !(await access(dir).then(
      () => true,
      () => false,
    ))
  ) {
    process.stderr.write(`No telemetry stream in ${config.dataDir}: nothing to replay.\n`);
    return 1;
  }
  const stream = await DurableTelemetryStream.open({
    dir,
    logger: createLogger({ service: 'tributary', level: 'warn' }).child({ component: 'stream' }),
  });
  try {
    const waitingBefore = stream.depth;
    await stream.replay({ fromTimestamp: from });
    const again = stream.depth - waitingBefore;
    process.stdout.write(
      `${again} record${again === 1 ? '' : 's'} from ${new Date(from).toISOString()} on will be delivered again ` +
        'at the next `tributary start` (the stream keeps 24 h).\n',
    );
    return 0;
  } finally {
    await stream.stop();
  }
}

/** An ISO-8601 time, or a duration with its unit (`90s`, `30m`, `2h`) before `now`; undefined otherwise. */
export function instantOf(text: string, now: number): number | undefined {
  const trimmed = text.trim();
  // A bare number is refused: seconds ago, or epoch seconds or milliseconds, the user could mean any.
  if (/^\d+(\.\d+)?[smh]$/.test(trimmed)) {
    const ago = durationMsOf(trimmed);
    return ago === null ? undefined : now - ago;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const instant = Date.parse(trimmed);
  return Number.isFinite(instant) ? instant : undefined;
}
