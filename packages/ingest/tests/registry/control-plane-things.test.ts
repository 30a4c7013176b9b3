// Things through the real @aws-sdk/client-iot against the local control plane: the same calls would run
// against AWS IoT (API reference: CreateThing, DescribeThing, ListThings, UpdateThing, DeleteThing).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf, startFixture, type ControlPlaneFixture } from './control-plane-fixture.js';
import { iot } from './iot-sdk.js';

let fixture: ControlPlaneFixture;
beforeEach(async () => {
  fixture = await startFixture();
});
afterEach(async () => fixture.close());

describe('local IoT control plane: things', () => {
  it('creates a thing and describes it with the ARN, id, version and default client id AWS returns', async () => {
    const { client } = fixture;
    await client.send(new iot.CreateThingTypeCommand({ thingTypeName: 'pump' }));
    const created = await client.send(
      new iot.CreateThingCommand({
        thingName: 'pump-7',
        thingTypeName: 'pump',
        attributePayload: { attributes: { site: 'plant-a' } },
      }),
    );
    expect(created.thingArn).toBe('arn:aws:iot:us-east-1:000000000000:thing/pump-7');
    expect(created.thingId).toMatch(/^[0-9a-f-]{36}$/);

    const described = await client.send(new iot.DescribeThingCommand({ thingName: 'pump-7' }));
    expect(described).toMatchObject({
      thingName: 'pump-7',
      thingId: created.thingId,
      thingArn: created.thingArn,
      thingTypeName: 'pump',
      attributes: { site: 'plant-a' },
      version: 1,
      defaultClientId: 'pump-7',
    });
    expect(described.$metadata.httpStatusCode).toBe(200);
  });

  it('repeats an identical CreateThing and refuses a conflicting one with ResourceAlreadyExistsException (409)', async () => {
    const { client } = fixture;
    const input = { thingName: 'pump-7', attributePayload: { attributes: { site: 'a' } } };
    const first = await client.send(new iot.CreateThingCommand(input));
    const again = await client.send(new iot.CreateThingCommand(input));
    expect(again.thingId).toBe(first.thingId);

    const error = await rejectionOf(
      client.send(new iot.CreateThingCommand({ ...input, attributePayload: { attributes: { site: 'b' } } })),
    );
    expect(error.name).toBe('ResourceAlreadyExistsException');
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error).toMatchObject({ resourceId: first.thingId, resourceArn: first.thingArn });
  });

  it('answers DescribeThing for an unknown thing with ResourceNotFoundException (404) saying how to create it', async () => {
    const error = await rejectionOf(
      fixture.client.send(new iot.DescribeThingCommand({ thingName: 'nobody' })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toContain('Thing "nobody" not found: create it with CreateThing');
  });

  it('refuses names outside [a-zA-Z0-9:_-]{1,128} with InvalidRequestException (400) (faults.md #29)', async () => {
    for (const thingName of ['a b', "a';DROP", 'x'.repeat(129), 'é']) {
      const error = await rejectionOf(fixture.client.send(new iot.CreateThingCommand({ thingName })));
      expect(error.name).toBe('InvalidRequestException');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    for (const thingName of ['a/b', 'a.b']) {
      const error = await rejectionOf(fixture.client.send(new iot.DescribeThingCommand({ thingName })));
      expect(error.name).toBe('InvalidRequestException');
    }
  });

  it('refuses a thing type that does not exist or is deprecated, as AWS does', async () => {
    const { client } = fixture;
    const missing = await rejectionOf(
      client.send(new iot.CreateThingCommand({ thingName: 't', thingTypeName: 'nope' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    await client.send(new iot.CreateThingTypeCommand({ thingTypeName: 'old' }));
    await client.send(new iot.DeprecateThingTypeCommand({ thingTypeName: 'old' }));
    const deprecated = await rejectionOf(
      client.send(new iot.CreateThingCommand({ thingName: 't', thingTypeName: 'old' })),
    );
    expect(deprecated.name).toBe('InvalidRequestException');
    expect(deprecated.message).toContain('deprecated');
  });

  it('lists things in pages of maxResults with nextToken, and filters by attribute and thing type', async () => {
    const { client } = fixture;
    await client.send(new iot.CreateThingTypeCommand({ thingTypeName: 'pump' }));
    for (let i = 1; i <= 5; i++) {
      await client.send(
        new iot.CreateThingCommand({
          thingName: `thing-${i}`,
          thingTypeName: i % 2 === 0 ? 'pump' : undefined,
          attributePayload: { attributes: { site: i <= 3 ? 'north' : 'south-1' } },
        }),
      );
    }
    const names: string[] = [];
    for await (const page of iot.paginateListThings({ client, pageSize: 2 }, {})) {
      expect(page.things?.length).toBeLessThanOrEqual(2);
      names.push(...(page.things ?? []).map((t) => t.thingName ?? ''));
    }
    expect(names).toEqual(['thing-1', 'thing-2', 'thing-3', 'thing-4', 'thing-5']);

    const north = await client.send(
      new iot.ListThingsCommand({ attributeName: 'site', attributeValue: 'north' }),
    );
    expect(north.things?.map((t) => t.thingName)).toEqual(['thing-1', 'thing-2', 'thing-3']);
    expect(north.things?.[0]).toEqual({
      thingName: 'thing-1',
      thingArn: 'arn:aws:iot:us-east-1:000000000000:thing/thing-1',
      attributes: { site: 'north' },
      version: 1,
    });
    const prefixed = await client.send(
      new iot.ListThingsCommand({
        attributeName: 'site',
        attributeValue: 'south',
        usePrefixAttributeValue: true,
      }),
    );
    expect(prefixed.things?.map((t) => t.thingName)).toEqual(['thing-4', 'thing-5']);
    const pumps = await client.send(new iot.ListThingsCommand({ thingTypeName: 'pump' }));
    expect(pumps.things?.map((t) => t.thingName)).toEqual(['thing-2', 'thing-4']);

    const badToken = await rejectionOf(client.send(new iot.ListThingsCommand({ nextToken: 'not-ours' })));
    expect(badToken.name).toBe('InvalidRequestException');
  });

  it('merges or replaces attributes on UpdateThing, and an empty value removes one', async () => {
    const { client } = fixture;
    await client.send(
      new iot.CreateThingCommand({
        thingName: 'pump-7',
        attributePayload: { attributes: { a: '1', b: '2' } },
      }),
    );
    await client.send(
      new iot.UpdateThingCommand({
        thingName: 'pump-7',
        attributePayload: { attributes: { b: '', c: '3' }, merge: true },
      }),
    );
    let thing = await client.send(new iot.DescribeThingCommand({ thingName: 'pump-7' }));
    expect(thing.attributes).toEqual({ a: '1', c: '3' });
    expect(thing.version).toBe(2);

    await client.send(
      new iot.UpdateThingCommand({ thingName: 'pump-7', attributePayload: { attributes: { z: '9' } } }),
    );
    thing = await client.send(new iot.DescribeThingCommand({ thingName: 'pump-7' }));
    expect(thing.attributes).toEqual({ z: '9' });
    expect(thing.version).toBe(3);
  });

  it('rejects an UpdateThing with a stale expectedVersion with VersionConflictException (409), leaving the thing as it was', async () => {
    const { client } = fixture;
    await client.send(
      new iot.CreateThingCommand({ thingName: 'pump-7', attributePayload: { attributes: { a: '1' } } }),
    );
    await client.send(
      new iot.UpdateThingCommand({
        thingName: 'pump-7',
        expectedVersion: 1,
        attributePayload: { attributes: { a: '2' } },
      }),
    );
    const error = await rejectionOf(
      client.send(
        new iot.UpdateThingCommand({
          thingName: 'pump-7',
          expectedVersion: 1,
          attributePayload: { attributes: { a: '3' } },
        }),
      ),
    );
    expect(error.name).toBe('VersionConflictException');
    expect(error.$metadata.httpStatusCode).toBe(409);
    const thing = await client.send(new iot.DescribeThingCommand({ thingName: 'pump-7' }));
    expect(thing).toMatchObject({ attributes: { a: '2' }, version: 2 });
  });

  it('sets and removes a thing type with UpdateThing, and refuses both at once', async () => {
    const { client } = fixture;
    await client.send(new iot.CreateThingTypeCommand({ thingTypeName: 'pump' }));
    await client.send(new iot.CreateThingCommand({ thingName: 'pump-7' }));
    await client.send(new iot.UpdateThingCommand({ thingName: 'pump-7', thingTypeName: 'pump' }));
    expect((await client.send(new iot.DescribeThingCommand({ thingName: 'pump-7' }))).thingTypeName).toBe(
      'pump',
    );
    await client.send(new iot.UpdateThingCommand({ thingName: 'pump-7', removeThingType: true }));
    expect(
      (await client.send(new iot.DescribeThingCommand({ thingName: 'pump-7' }))).thingTypeName,
    ).toBeUndefined();
    const both = await rejectionOf(
      client.send(
        new iot.UpdateThingCommand({ thingName: 'pump-7', thingTypeName: 'pump', removeThingType: true }),
      ),
    );
    expect(both.name).toBe('InvalidRequestException');
  });

  it('allows 3 attributes without a thing type and more with one, as the IoT quotas do', async () => {
    const { client } = fixture;
    const four = { a: '1', b: '2', c: '3', d: '4' };
    const error = await rejectionOf(
      client.send(new iot.CreateThingCommand({ thingName: 'x', attributePayload: { attributes: four } })),
    );
    expect(error.name).toBe('InvalidRequestException');
    await client.send(new iot.CreateThingTypeCommand({ thingTypeName: 'rich' }));
    await client.send(
      new iot.CreateThingCommand({
        thingName: 'x',
        thingTypeName: 'rich',
        attributePayload: { attributes: four },
      }),
    );
  });

  it('deletes a thing (with expectedVersion checked), and deleting an unknown thing succeeds as in AWS', async () => {
    const { client } = fixture;
    await client.send(new iot.CreateThingCommand({ thingName: 'pump-7' }));
    const stale = await rejectionOf(
      client.send(new iot.DeleteThingCommand({ thingName: 'pump-7', expectedVersion: 5 })),
    );
    expect(stale.name).toBe('VersionConflictException');
    const deleted = await client.send(
      new iot.DeleteThingCommand({ thingName: 'pump-7', expectedVersion: 1 }),
    );
    expect(deleted.$metadata.httpStatusCode).toBe(200);
    expect((await rejectionOf(client.send(new iot.DescribeThingCommand({ thingName: 'pump-7' })))).name).toBe(
      'ResourceNotFoundException',
    );
    await client.send(new iot.DeleteThingCommand({ thingName: 'pump-7' }));
  });

  it('answers an operation it does not implement with an error naming the request', async () => {
    const error = await rejectionOf(fixture.client.send(new iot.ListCertificatesCommand({})));
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toContain('GET /certificates');
  });
});

describe('local IoT control plane: persistence', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('serves what an earlier control plane created, after the registry file is reopened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'control-plane-'));
    dirs.push(dir);
    const path = join(dir, 'registry.duckdb');
    const first = await startFixture(path);
    await first.client.send(
      new iot.CreateThingCommand({ thingName: 'pump-7', attributePayload: { attributes: { a: '1' } } }),
    );
    await first.client.send(
      new iot.UpdateThingCommand({ thingName: 'pump-7', attributePayload: { attributes: { a: '2' } } }),
    );
    await first.close();

    const second = await startFixture(path);
    try {
      const thing = await second.client.send(new iot.DescribeThingCommand({ thingName: 'pump-7' }));
      expect(thing).toMatchObject({ attributes: { a: '2' }, version: 2 });
    } finally {
      await second.close();
    }
  });
});
