// The device registry on AWS, shaped like the local one: DescribeThing (undefined for an unknown thing) and
// ListThingGroupsForThing (the thing's direct groups), which ThingContextCache reads for enrichment.
import {
  DescribeThingCommand,
  IoTClient,
  ListThingGroupsForThingCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-iot';
import type { ThingRegistry } from '../local/thing-context-cache.js';

export interface RegisteredThing {
  readonly thingTypeName: string | null;
  readonly attributes: Readonly<Record<string, string>>;
}

export class IotThingRegistry implements ThingRegistry {
  /** The type each thing had when last described, so a shadow reader can ask whether its profile needs one. */
  private readonly typeOfDescribedThing = new Map<string, string | null>();

  constructor(private readonly client: IoTClient = new IoTClient({})) {}

  async describeThing(thingName: string): Promise<RegisteredThing | undefined> {
    try {
      const thing = await this.client.send(new DescribeThingCommand({ thingName }));
      const thingTypeName = thing.thingTypeName ?? null;
      this.typeOfDescribedThing.set(thingName, thingTypeName);
      return { thingTypeName, attributes: { ...thing.attributes } };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        this.typeOfDescribedThing.delete(thingName);
        return undefined;
      }
      throw error;
    }
  }

  async listThingGroupsForThing(request: { readonly thingName: string; readonly nextToken?: string }) {
    const page = await this.client.send(
      new ListThingGroupsForThingCommand({ thingName: request.thingName, nextToken: request.nextToken }),
    );
    return {
      thingGroups: (page.thingGroups ?? []).flatMap((group) =>
        group.groupName ? [{ groupName: group.groupName }] : [],
      ),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  /** The thing's type as of its last DescribeThing; undefined when it was never described (or is unknown). */
  thingTypeOf(thingName: string): string | null | undefined {
    return this.typeOfDescribedThing.get(thingName);
  }
}
