// A refused shadow request as a value: the HTTP-style code and the exact text AWS uses
// (device-shadow-error-messages.html), so a device's error handling behaves the same locally.
import type { ShadowErrorResponse } from '@tributary/contracts';
import { maxSectionDepth } from './shadow-limits.js';

export type ShadowRejectionCode = 400 | 404 | 409 | 413 | 415 | 429 | 500;

export class ShadowRejection {
  constructor(
    readonly code: ShadowRejectionCode,
    readonly message: string,
    /** Echoed in the error document when the request carried a valid one. */
    readonly clientToken?: string,
  ) {}

  withClientToken(clientToken: string | undefined): ShadowRejection {
    return new ShadowRejection(this.code, this.message, clientToken);
  }

  toErrorResponse(timestamp: number): ShadowErrorResponse {
    return {
      code: this.code,
      message: this.message,
      timestamp,
      ...(this.clientToken === undefined ? {} : { clientToken: this.clientToken }),
    };
  }

  static invalidJson(): ShadowRejection {
    return new ShadowRejection(400, 'Invalid JSON');
  }
  static missingState(): ShadowRejection {
    return new ShadowRejection(400, 'Missing required node: state');
  }
  static stateNotObject(): ShadowRejection {
    return new ShadowRejection(400, 'State node must be an object');
  }
  static sectionNotObject(section: 'desired' | 'reported'): ShadowRejection {
    return new ShadowRejection(
      400,
      section === 'desired' ? 'Desired node must be an object' : 'Reported node must be an object',
    );
  }
  static invalidStateNode(): ShadowRejection {
    return new ShadowRejection(400, 'State contains an invalid node');
  }
  static invalidVersion(): ShadowRejection {
    return new ShadowRejection(400, 'Invalid version');
  }
  static invalidClientToken(): ShadowRejection {
    return new ShadowRejection(400, 'Invalid clientToken');
  }
  static tooDeep(): ShadowRejection {
    return new ShadowRejection(
      400,
      `JSON contains too many levels of nesting; maximum is ${maxSectionDepth}`,
    );
  }
  static invalidName(kind: 'thing' | 'shadow', name: string): ShadowRejection {
    return kind === 'thing'
      ? new ShadowRejection(400, `Invalid thing name '${name}': use 1-128 characters of [a-zA-Z0-9:_-]`)
      : new ShadowRejection(400, `Invalid shadow name '${name}': use 1-64 characters of [$a-zA-Z0-9:_-]`);
  }
  /** AWS names the thing for a classic shadow and the shadow for a named one, in single quotes. */
  static noShadow(name: string): ShadowRejection {
    return new ShadowRejection(404, `No shadow exists with name: '${name}'`);
  }
  static versionConflict(): ShadowRejection {
    return new ShadowRejection(409, 'Version conflict');
  }
  static payloadTooLarge(): ShadowRejection {
    return new ShadowRejection(413, 'The payload exceeds the maximum size allowed');
  }
  static notUtf8(): ShadowRejection {
    return new ShadowRejection(415, 'Unsupported documented encoding; supported encoding is UTF-8');
  }
  static tooManyRequests(): ShadowRejection {
    return new ShadowRejection(429, 'Too Many Requests');
  }
  static internalFailure(): ShadowRejection {
    return new ShadowRejection(500, 'Internal service failure');
  }
}
