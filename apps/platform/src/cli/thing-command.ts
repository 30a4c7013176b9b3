// `tributary thing create|list`: device onboarding through the running platform's IoT API with
// @aws-sdk/client-iot — the same calls as `aws iot create-thing`, `create-keys-and-certificate
// --set-as-active`, `attach-policy` and `attach-thing-principal` against AWS, so the files a device gets
// (cert, key, root CA, named as the AWS console names them) work against either endpoint.
import { ListThingsCommand, type IoTClient } from '@aws-sdk/client-iot';
import { devicePolicyName } from '@tributary/ingest';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { endpointsFileOf, parseConfig } from '../config.js';
import { certificatePathOf, privateKeyPathOf, writeDeviceFiles } from '../device-files.js';
import {
  localIotClient,
  onboardThing,
  runningPlatformEndpoints,
  type PlatformEndpoints,
} from './local-iot-api.js';

export interface ThingCommandOptions {
  readonly dataDir?: string;
  readonly type?: string;
  /** `key=value`, repeatable. */
  readonly attr?: readonly string[];
  /** @default ./<thing name> */
  readonly out?: string;
}

const usage =
  'Usage: tributary thing create <name> [--type T] [--attr key=value ...] [--out DIR]\n' +
  '       tributary thing list\n';

export async function runThingCommand(
  args: readonly string[],
  options: ThingCommandOptions,
): Promise<number> {
  const [subcommand, thingName, ...extra] = args;
  if (extra.length > 0 || !(subcommand === 'create' ? thingName : subcommand === 'list' && !thingName)) {
    process.stderr.write(usage);
    return 2;
  }
  const config = parseConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  const endpoints = await runningPlatformEndpoints(endpointsFileOf(config));
  if (!endpoints) {
    process.stderr.write(
      `No platform is running on ${config.dataDir}: start it with \`tributary start\` (it serves the IoT API ` +
        'things are created through), or pass the --data-dir it runs on.\n',
    );
    return 1;
  }
  const client = localIotClient(endpoints);
  try {
    if (subcommand === 'list') return await listThings(client);
    const attributes = parseAttributes(options.attr ?? []);
    if (typeof attributes === 'string') {
      process.stderr.write(`${attributes}\n${usage}`);
      return 2;
    }
    return await createThing(client, endpoints, thingName as string, { ...options, attributes });
  } finally {
    client.destroy();
  }
}

async function createThing(
  client: IoTClient,
  endpoints: PlatformEndpoints,
  thingName: string,
  options: ThingCommandOptions & { attributes: Record<string, string> },
): Promise<number> {
  const outDir = resolve(options.out ?? thingName);
  const onboarded = await onboardThing(client, {
    thingName,
    thingTypeName: options.type,
    attributes: options.attributes,
  });
  await mkdir(outDir, { recursive: true });
  await writeDeviceFiles(outDir, thingName, onboarded);
  const certificatePath = certificatePathOf(outDir, thingName);
  const privateKeyPath = privateKeyPathOf(outDir, thingName);
  const rootCaPath = join(outDir, 'root-CA.pem');
  await copyFile(endpoints.rootCaPath, rootCaPath);
  const { certificateArn } = onboarded;
  process.stdout.write(
    [
      `Created thing ${thingName} with an ACTIVE certificate under policy ${devicePolicyName}:`,
      `  certificate  ${certificatePath}`,
      `  private key  ${privateKeyPath}`,
      `  root CA      ${rootCaPath}`,
      `  certificate  ${certificateArn}`,
      `It connects as client id ${thingName} and publishes to dt/tributary/${thingName}/telemetry.`,
      '',
    ].join('\n'),
  );
  return 0;
}

async function listThings(client: IoTClient): Promise<number> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListThingsCommand({ nextToken }));
    for (const thing of page.things ?? []) {
      const attributes = Object.entries(thing.attributes ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(' ');
      process.stdout.write(`${thing.thingName}\t${thing.thingTypeName ?? '-'}\t${attributes}\n`);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return 0;
}

function parseAttributes(pairs: readonly string[]): Record<string, string> | string {
  const attributes: Record<string, string> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator <= 0) return `--attr takes key=value, not "${pair}"`;
    attributes[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return attributes;
}
