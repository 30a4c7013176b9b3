// `tributary start`: brings the local platform up, says what runs where, stops cleanly on Ctrl-C.
import { parseConfig, type PlatformConfig } from '../config.js';
import { startPlatform, type RunningPlatform } from '../start-platform.js';

export async function runStartCommand(options: Record<string, string | undefined>): Promise<number> {
  const config = parseConfig(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
  const platform = await startPlatform(config).catch((error: unknown) => {
    throw explainStartFailure(error, config);
  });
  process.stdout.write(describe(platform));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('\nStopping: draining the stream into the lake…\n');
  await platform.stop();
  process.stdout.write('Stopped.\n');
  return 0;
}

/** Turns the usual start-up failures into what to do about them. */
function explainStartFailure(error: unknown, config: PlatformConfig): unknown {
  const { code, port } = error as { code?: string; port?: number };
  if (code === 'EADDRINUSE') {
    const option =
      port === config.mqttPort
        ? '--mqtt-port'
        : port === config.mqttsPort
          ? '--mqtts-port'
          : port === config.iotPort
            ? '--iot-port'
            : '--http-port';
    return new Error(
      `Port ${port} on ${config.host} is already in use (another tributary?): stop it or pass ${option} <free port>`,
    );
  }
  if (code === 'EACCES' || code === 'EROFS') {
    return new Error(
      `Cannot write the data directory ${config.dataDir}: pass --data-dir <writable directory>`,
    );
  }
  return error;
}

function describe(platform: RunningPlatform): string {
  const { config, simulator } = platform;
  const devices = simulator
    ? `${simulator.thingNames.length} (${simulator.thingNames[0]}…), one reading every ${config.intervalMs} ms`
    : 'none (--devices 0)';
  const mqtts = new URL(platform.mqttsUrl);
  const plain = platform.mqttUrl
    ? `  MQTT, development listener   ${platform.mqttUrl}   no certificate, no policies (--mqtt-port off closes it)`
    : '  MQTT, development listener   off';
  const tryPlain = platform.mqttUrl
    ? [
        `  mosquitto_pub -h ${config.host} -p ${new URL(platform.mqttUrl).port} -q 1 -t dt/tributary/my-thing/telemetry -m '{"metrics":{"temperature":21.5}}'`,
      ]
    : [];
  return [
    'tributary is running on this machine:',
    config.mqttProfile === 'aws'
      ? `  MQTT broker (AWS IoT Core)   ${platform.mqttsUrl}   mutual TLS and IoT policies; publish to dt/tributary/<thing>/telemetry`
      : `  MQTT broker (MQTT 3.1.1)     ${platform.mqttsUrl}   the spec's behaviour, not AWS IoT Core's (--mqtt-profile); mutual TLS and IoT policies`,
    plain,
    `  IoT API                      ${platform.iotApiUrl}   registry, certificates, policies, shadows (@aws-sdk/client-iot endpoint)`,
    `  Root CA                      ${platform.rootCaPath}`,
    `  Dashboard                    ${platform.dashboardUrl}`,
    `  SQL API                      POST ${platform.dashboardUrl}/api/query  {"sql": "..."}`,
    `  Parquet lake                 ${platform.lakeDir}`,
    `  Simulated devices            ${devices}`,
    '',
    'Try:',
    `  pnpm tributary query "SELECT thing_name, metric, value, site FROM telemetry ORDER BY received_at DESC LIMIT 5"`,
    `  pnpm tributary thing create my-thing --out ./my-thing`,
    `  mosquitto_pub -h ${config.host} -p ${mqtts.port} --cafile ./my-thing/root-CA.pem --cert ./my-thing/my-thing.cert.pem --key ./my-thing/my-thing.private.key -i my-thing -q 1 -t dt/tributary/my-thing/telemetry -m '{"metrics":{"temperature":21.5}}'`,
    ...tryPlain,
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}
