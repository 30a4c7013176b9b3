// Shadows persist in their own DuckDB file, and the REST API (device-shadow-rest-api.html) answers
// with the same documents and status codes as the MQTT topics.
import { silentLogger } from '@tributary/contracts';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShadowMessage } from '../../src/core/shadow/shadow-messages.js';
import { createShadowHttpHandler } from '../../src/local/shadow-http.js';
import { LocalShadowService } from '../../src/local/shadow-service.js';
import { LocalShadowStore } from '../../src/local/shadow-store.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openStore(path = ':memory:') {
  const store = await LocalShadowStore.open(path);
  cleanups.push(() => store.close());
  return store;
}

describe('shadow store', () => {
  it('keeps shadows, versions and deletes across a reopen of the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shadows-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'shadows.duckdb');
    const firstRun = await LocalShadowStore.open(path);
    const before = new LocalShadowService(firstRun, { clock: () => 1_700_000_000_000 });
    await before.update(
      { thingName: 'pump-7' },
      Buffer.from('{"state":{"desired":{"a":1},"reported":{"a":0}}}'),
    );
    await before.update(
      { thingName: 'pump-7', shadowName: 'gone' },
      Buffer.from('{"state":{"reported":{"x":1}}}'),
    );
    await before.delete({ thingName: 'pump-7', shadowName: 'gone' });
    // Close the first store before reopening the same file, as a restart would.
    await firstRun.close();

    const after = new LocalShadowService(await openStore(path), { clock: () => 1_700_000_005_000 });
    expect(await after.get({ thingName: 'pump-7' })).toEqual({
      state: { desired: { a: 1 }, reported: { a: 0 }, delta: { a: 1 } },
      metadata: {
        desired: { a: { timestamp: 1_700_000_000 } },
        reported: { a: { timestamp: 1_700_000_000 } },
        delta: { a: { timestamp: 1_700_000_000 } },
      },
      version: 1,
      timestamp: 1_700_000_005,
    });
    expect(await after.get({ thingName: 'pump-7', shadowName: 'gone' })).toMatchObject({ code: 404 });
    const recreated = await after.update(
      { thingName: 'pump-7', shadowName: 'gone' },
      Buffer.from('{"state":{}}'),
    );
    expect(recreated).toMatchObject({ accepted: { version: 2 } });
  });

  it('refuses a write whose expected record is no longer the stored one', async () => {
    const store = await openStore();
    const address = { thingName: 'pump-7' };
    const first = { state: { reported: { a: 1 } }, metadata: {}, version: 1 };
    expect(await store.write(address, undefined, first)).toBe(true);
    expect(await store.write(address, undefined, first)).toBe(false);
    expect(await store.write(address, first, { ...first, version: 2 })).toBe(true);
    expect(await store.write(address, first, { ...first, version: 2 })).toBe(false);
    expect((await store.read(address))?.version).toBe(2);
  });
});

describe('shadow REST API', () => {
  async function serve() {
    const service = new LocalShadowService(await openStore(), { clock: () => 1_700_000_000_000 });
    const published: ShadowMessage[] = [];
    const handler = createShadowHttpHandler(service, {
      logger: silentLogger,
      publish: async (message) => void published.push(message),
      maxBodyBytes: 16 * 1024,
    });
    const server: Server = createServer((request, response) => void handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { base, published };
  }

  it('updates, gets and deletes a classic shadow, publishing the accepted update on MQTT', async () => {
    const { base, published } = await serve();
    const posted = await fetch(`${base}/things/pump-7/shadow`, {
      method: 'POST',
      body: JSON.stringify({ state: { desired: { speed: 2 } }, clientToken: 'rest-1' }),
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({
      state: { desired: { speed: 2 } },
      metadata: { desired: { speed: { timestamp: 1_700_000_000 } } },
      version: 1,
      timestamp: 1_700_000_000,
      clientToken: 'rest-1',
    });
    expect(published.map((m) => m.topic)).toEqual([
      '$aws/things/pump-7/shadow/update/accepted',
      '$aws/things/pump-7/shadow/update/delta',
      '$aws/things/pump-7/shadow/update/documents',
    ]);

    const got = await fetch(`${base}/things/pump-7/shadow`);
    expect(await got.json()).toMatchObject({
      state: { desired: { speed: 2 }, delta: { speed: 2 } },
      version: 1,
    });

    const deleted = await fetch(`${base}/things/pump-7/shadow`, { method: 'DELETE' });
    expect([deleted.status, await deleted.json()]).toEqual([200, { version: 1, timestamp: 1_700_000_000 }]);
    const missing = await fetch(`${base}/things/pump-7/shadow`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await missing.json()).toMatchObject({
      code: 404,
      message: "No shadow exists with name: 'pump-7'",
    });
  });

  it('addresses a named shadow with ?name= and lists named shadows without the classic one', async () => {
    const { base } = await serve();
    for (const name of ['b-config', 'a-firmware']) {
      const response = await fetch(`${base}/things/pump-7/shadow?name=${name}`, {
        method: 'POST',
        body: '{"state":{"reported":{"ok":true}}}',
      });
      expect(response.status).toBe(200);
    }
    await fetch(`${base}/things/pump-7/shadow`, {
      method: 'POST',
      body: '{"state":{"reported":{"ok":true}}}',
    });
    expect(await (await fetch(`${base}/things/pump-7/shadow?name=a-firmware`)).json()).toMatchObject({
      version: 1,
    });
    const firstPage = (await (
      await fetch(`${base}/api/things/shadow/ListNamedShadowsForThing/pump-7?pageSize=1`)
    ).json()) as {
      results: string[];
      nextToken: string;
    };
    expect(firstPage.results).toEqual(['a-firmware']);
    const secondPage = await (
      await fetch(
        `${base}/api/things/shadow/ListNamedShadowsForThing/pump-7?pageSize=1&nextToken=${firstPage.nextToken}`,
      )
    ).json();
    expect(secondPage).toEqual({ results: ['b-config'], timestamp: 1_700_000_000 });
    expect(
      await (await fetch(`${base}/api/things/shadow/ListNamedShadowsForThing/unknown`)).json(),
    ).toMatchObject({ results: [] });
  });

  it('answers bad requests with the AWS status codes and publishes nothing', async () => {
    const { base, published } = await serve();
    const post = (path: string, body: string | Uint8Array) =>
      fetch(`${base}${path}`, { method: 'POST', body });
    const cases: [Response, number][] = [
      [await post('/things/pump-7/shadow', '{"state":'), 400],
      [await post('/things/pump-7/shadow', Uint8Array.from([0xff, 0xfe])), 415],
      [
        await post('/things/pump-7/shadow', JSON.stringify({ state: { desired: { a: 'x'.repeat(9000) } } })),
        413,
      ],
      [await post('/things/pump-7/shadow', 'x'.repeat(17 * 1024)), 413],
      [await post("/things/a'%3BDROP/shadow", '{"state":{}}'), 400],
      [await post('/things/pump-7/shadow?name=bad%2Fname', '{"state":{}}'), 400],
    ];
    expect(cases.map(([response]) => response.status)).toEqual(cases.map(([, status]) => status));
    await post('/things/pump-7/shadow', '{"state":{"reported":{"a":1}}}');
    const conflict = await post('/things/pump-7/shadow', '{"state":{"reported":{"a":2}},"version":7}');
    expect([conflict.status, conflict.headers.get('x-amzn-errortype')]).toEqual([409, 'ConflictException']);
    expect(published.filter((m) => m.topic.includes('rejected'))).toEqual([]);
  });
});
