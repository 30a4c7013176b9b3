// Thing types through @aws-sdk/client-iot against the local control plane, with IoT's life cycle:
// immutable, deprecate, delete only after five minutes deprecated and with no things
// (https://docs.aws.amazon.com/iot/latest/developerguide/delete-thing-types.html).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thingTypeDeletionDelayMs } from '../../src/local/registry.js';
import { rejectionOf, startFixture, type ControlPlaneFixture } from './control-plane-fixture.js';
import { iot } from './iot-sdk.js';

let now = Date.UTC(2026, 0, 1);
let fixture: ControlPlaneFixture;
beforeEach(async () => {
  fixture = await startFixture(':memory:', {
    clock: () => now,
    region: 'eu-west-1',
    accountId: '123456789012',
  });
});
afterEach(async () => fixture.close());

describe('local IoT control plane: thing types', () => {
  it('creates a thing type with searchable attributes and describes it with its metadata', async () => {
    const { client } = fixture;
    const created = await client.send(
      new iot.CreateThingTypeCommand({
        thingTypeName: 'pump',
        thingTypeProperties: { thingTypeDescription: 'water pumps', searchableAttributes: ['site', 'model'] },
        tags: [{ Key: 'team', Value: 'ops' }],
      }),
    );
    expect(created.thingTypeArn).toBe('arn:aws:iot:eu-west-1:123456789012:thingtype/pump');

    const described = await client.send(new iot.DescribeThingTypeCommand({ thingTypeName: 'pump' }));
    expect(described).toMatchObject({
      thingTypeName: 'pump',
      thingTypeId: created.thingTypeId,
      thingTypeArn: created.thingTypeArn,
      thingTypeProperties: { thingTypeDescription: 'water pumps', searchableAttributes: ['model', 'site'] },
      thingTypeMetadata: { deprecated: false, creationDate: new Date(now) },
    });
  });

  it('repeats an identical CreateThingType, refuses a different one (409) and more than 3 searchable attributes (400)', async () => {
    const { client } = fixture;
    const input = { thingTypeName: 'pump', thingTypeProperties: { searchableAttributes: ['a', 'b'] } };
    const first = await client.send(new iot.CreateThingTypeCommand(input));
    const again = await client.send(
      new iot.CreateThingTypeCommand({ ...input, thingTypeProperties: { searchableAttributes: ['b', 'a'] } }),
    );
    expect(again.thingTypeId).toBe(first.thingTypeId);
    const conflict = await rejectionOf(
      client.send(
        new iot.CreateThingTypeCommand({
          thingTypeName: 'pump',
          thingTypeProperties: { thingTypeDescription: 'x' },
        }),
      ),
    );
    expect(conflict.name).toBe('ResourceAlreadyExistsException');
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    const tooMany = await rejectionOf(
      client.send(
        new iot.CreateThingTypeCommand({
          thingTypeName: 'wide',
          thingTypeProperties: { searchableAttributes: ['a', 'b', 'c', 'd'] },
        }),
      ),
    );
    expect(tooMany.name).toBe('InvalidRequestException');
  });

  it('lists thing types in pages and by name', async () => {
    const { client } = fixture;
    for (const name of ['a-type', 'b-type', 'c-type'])
      await client.send(new iot.CreateThingTypeCommand({ thingTypeName: name }));
    const names: string[] = [];
    for await (const page of iot.paginateListThingTypes({ client, pageSize: 2 }, {})) {
      names.push(...(page.thingTypes ?? []).map((t) => t.thingTypeName ?? ''));
    }
    expect(names).toEqual(['a-type', 'b-type', 'c-type']);
    const one = await client.send(new iot.ListThingTypesCommand({ thingTypeName: 'b-type' }));
    expect(one.thingTypes).toEqual([
      {
        thingTypeName: 'b-type',
        thingTypeArn: 'arn:aws:iot:eu-west-1:123456789012:thingtype/b-type',
        thingTypeProperties: { searchableAttributes: [] },
        thingTypeMetadata: { deprecated: false, creationDate: new Date(now) },
      },
    ]);
  });

  it('deletes a thing type only once deprecated for five minutes and no longer used by a thing', async () => {
    const { client } = fixture;
    await client.send(new iot.CreateThingTypeCommand({ thingTypeName: 'pump' }));
    await client.send(new iot.CreateThingCommand({ thingName: 'pump-7', thingTypeName: 'pump' }));

    const notDeprecated = await rejectionOf(
      client.send(new iot.DeleteThingTypeCommand({ thingTypeName: 'pump' })),
    );
    expect(notDeprecated.name).toBe('InvalidRequestException');
    expect(notDeprecated.message).toContain('deprecate it with DeprecateThingType');

    await client.send(new iot.DeprecateThingTypeCommand({ thingTypeName: 'pump' }));
    const deprecatedAt = now;
    const described = await client.send(new iot.DescribeThingTypeCommand({ thingTypeName: 'pump' }));
    expect(described.thingTypeMetadata).toMatchObject({
      deprecated: true,
      deprecationDate: new Date(deprecatedAt),
    });

    now += thingTypeDeletionDelayMs - 1000;
    const tooSoon = await rejectionOf(client.send(new iot.DeleteThingTypeCommand({ thingTypeName: 'pump' })));
    expect(tooSoon.message).toContain('less than five minutes ago');

    now += 1000;
    const inUse = await rejectionOf(client.send(new iot.DeleteThingTypeCommand({ thingTypeName: 'pump' })));
    expect(inUse.name).toBe('InvalidRequestException');
    expect(inUse.message).toContain('still has 1 thing');

    await client.send(new iot.UpdateThingCommand({ thingName: 'pump-7', removeThingType: true }));
    await client.send(new iot.DeleteThingTypeCommand({ thingTypeName: 'pump' }));
    const gone = await rejectionOf(client.send(new iot.DescribeThingTypeCommand({ thingTypeName: 'pump' })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(gone.$metadata.httpStatusCode).toBe(404);
  });

  it('undoes a deprecation, after which the type takes new things again', async () => {
    const { client } = fixture;
    await client.send(new iot.CreateThingTypeCommand({ thingTypeName: 'pump' }));
    await client.send(new iot.DeprecateThingTypeCommand({ thingTypeName: 'pump' }));
    await client.send(new iot.DeprecateThingTypeCommand({ thingTypeName: 'pump', undoDeprecate: true }));
    const described = await client.send(new iot.DescribeThingTypeCommand({ thingTypeName: 'pump' }));
    expect(described.thingTypeMetadata?.deprecated).toBe(false);
    await client.send(new iot.CreateThingCommand({ thingName: 'pump-8', thingTypeName: 'pump' }));
  });
});
