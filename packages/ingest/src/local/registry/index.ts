// The local device registry's public surface.
export { LocalRegistry, type LocalRegistryOptions, type RegistryChangeListener } from './local-registry.js';
export type { EventConfigurations, EventConfigurationUpdate } from './event-configurations.js';
export * from './errors.js';
export type * from './types.js';
export type { ArnScope } from './arns.js';
export { thingTypeDeletionDelayMs } from './thing-types.js';
export { assertResourceName, assertThingName } from './validation.js';
export { pageOfNames } from './pagination.js';
