// The device registry on AWS, shaped like the local one: DescribeThing, undefined for an unknown thing.
import { DescribeThingCommand, IoTClient, ResourceNotFoundException } from '@aws-sdk/client-iot';

export interface RegisteredThing {
  readonly thingTypeName: string | null;
  readonly attributes: Readonly<Record<string, string>>;
}

export class IotThingRegistry {
  constructor(private readonly client: IoTClient = new IoTClient({})) {}

  async describeThing(thingName: string): Promise<RegisteredThing | undefined> {
    try {
      const thing = await this.client.send(new DescribeThingCommand({ thingName }));
      return { thingTypeName: thing.thingTypeName ?? null, attributes: { ...thing.attributes } };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}
