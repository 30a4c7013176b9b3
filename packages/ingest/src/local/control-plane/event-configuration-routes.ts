// DescribeEventConfigurations (GET /event-configurations) and UpdateEventConfigurations
// (PATCH /event-configurations), which turn IoT's registry events on and off
// (https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateEventConfigurations.html).
import { z } from 'zod';
import { iotEventTypes } from '../../core/registry-events.js';
import type { LocalRegistry } from '../registry/index.js';
import { parseBody } from './request-input.js';
import type { ControlPlaneRoute } from './route-table.js';

const Configuration = z.object({ Enabled: z.boolean().optional() });

const UpdateEventConfigurationsBody = z.object({
  eventConfigurations: z.partialRecord(z.enum(iotEventTypes), Configuration).optional(),
});

export function eventConfigurationRoutes(registry: LocalRegistry): ControlPlaneRoute[] {
  return [
    {
      method: 'GET',
      path: '/event-configurations',
      operation: 'DescribeEventConfigurations',
      handle: () => registry.describeEventConfigurations(),
    },
    {
      method: 'PATCH',
      path: '/event-configurations',
      operation: 'UpdateEventConfigurations',
      async handle({ body }) {
        const input = parseBody('UpdateEventConfigurations', UpdateEventConfigurationsBody, body);
        await registry.updateEventConfigurations(input.eventConfigurations ?? {});
        return {};
      },
    },
  ];
}
