// Registry errors as values: each has a stable code (the control plane maps it to the AWS exception and
// HTTP status) and a message that says what to do next.

export type RegistryErrorCode =
  'RESOURCE_NOT_FOUND' | 'RESOURCE_ALREADY_EXISTS' | 'INVALID_REQUEST' | 'VERSION_CONFLICT';

export abstract class RegistryError extends Error {
  abstract readonly code: RegistryErrorCode;
}

export type RegistryResourceKind = 'Thing' | 'Thing type' | 'Thing group';

const createHint: Record<RegistryResourceKind, string> = {
  Thing: 'create it with CreateThing',
  'Thing type': 'create it with CreateThingType',
  'Thing group': 'create it with CreateThingGroup',
};

export class ResourceNotFoundError extends RegistryError {
  readonly code = 'RESOURCE_NOT_FOUND';
  constructor(
    readonly kind: RegistryResourceKind,
    readonly resourceName: string,
  ) {
    super(`${kind} "${resourceName}" not found: ${createHint[kind]} first, or check the name`);
  }
}

export class ResourceAlreadyExistsError extends RegistryError {
  readonly code = 'RESOURCE_ALREADY_EXISTS';
  constructor(
    readonly kind: RegistryResourceKind,
    readonly resourceName: string,
    readonly resourceId: string,
    readonly resourceArn: string,
  ) {
    super(
      `${kind} "${resourceName}" already exists with a different configuration: ` +
        'describe it and update it, or pick another name',
    );
  }
}

/** Kept for callers of the first registry API: CreateThing with a conflicting configuration. */
export class ThingAlreadyExistsError extends ResourceAlreadyExistsError {
  constructor(thingName: string, thingId: string, thingArn: string) {
    super('Thing', thingName, thingId, thingArn);
  }
}

export class InvalidRequestError extends RegistryError {
  readonly code = 'INVALID_REQUEST';
}

export class InvalidThingNameError extends InvalidRequestError {
  constructor(thingName: string) {
    super(`Invalid thing name "${thingName}": use 1-128 characters of [a-zA-Z0-9:_-]`);
  }
}

export class VersionConflictError extends RegistryError {
  readonly code = 'VERSION_CONFLICT';
  constructor(kind: RegistryResourceKind, name: string, expected: number, actual: number) {
    super(
      `${kind} "${name}" is at version ${actual}, not the expected ${expected}: ` +
        'describe it again and retry with the current version',
    );
  }
}
