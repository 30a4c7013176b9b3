// Loads aws-iot-device-sdk (v1) inside vitest. Vitest starts its workers with Node `--conditions import`
// (it forwards `ssr.resolve.conditions` from tools/scripts/vitest.shared.ts), so a CommonJS `require('ws')`
// inside the SDK's WebSocket transport resolves to ws's ESM wrapper, whose namespace has no `Server`, and
// `new awsIot.device()` throws "Class extends value undefined". Plain Node loads the SDK fine. Until the
// shared config stops forwarding 'import' to Node, the CommonJS build of ws is put in the require cache
// under the name the forced condition resolves to, so the SDK gets what Node would give it.
import type deviceSdk from 'aws-iot-device-sdk';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const sdkDir = dirname(require.resolve('aws-iot-device-sdk/package.json'));
const fromWebsocketStream = createRequire(
  require.resolve('@httptoolkit/websocket-stream', { paths: [sdkDir] }),
);
const wsEntry = fromWebsocketStream.resolve('ws');
if (wsEntry.endsWith('.mjs')) {
  const wsCommonJsEntry = join(dirname(wsEntry), 'index.js');
  fromWebsocketStream(wsCommonJsEntry);
  require.cache[wsEntry] = require.cache[wsCommonJsEntry];
}

const awsIot: typeof deviceSdk = (await import('aws-iot-device-sdk')).default;
export default awsIot;
