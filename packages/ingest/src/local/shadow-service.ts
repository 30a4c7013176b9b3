// The Device Shadow service on this machine: the pure core applied to the shadow store, one request at a
// time per shadow so two concurrent updates cannot both build on the same version. Both adapters
// (MQTT topics and the REST API) go through it and publish what it returns.
import type { NamedShadowList, ShadowDocument } from '@tributary/contracts';
import { applyShadowUpdate, type AcceptedShadowUpdate } from '../core/shadow/apply-update.js';
import {
  decodeJsonPayload,
  parseUpdateRequest,
  readClientToken,
} from '../core/shadow/parse-update-request.js';
import { deleteShadow, getShadowDocument, type AcceptedShadowDelete } from '../core/shadow/read-shadow.js';
import { validateShadowAddress, type ShadowAddress } from '../core/shadow/shadow-address.js';
import { ShadowRejection } from '../core/shadow/shadow-rejection.js';
import type { LocalShadowStore } from './shadow-store.js';

export interface ShadowServiceOptions {
  /** Milliseconds since the epoch; shadow documents carry it as epoch seconds. @default Date.now */
  readonly clock?: () => number;
}

export interface ListNamedShadowsRequest {
  /** @default 25 */
  readonly pageSize?: number;
  readonly nextToken?: string;
}

/** What every shadow adapter needs; tests may stand in for it. */
export interface ShadowRequests {
  nowSeconds(): number;
  update(address: ShadowAddress, payload: Uint8Array): Promise<AcceptedShadowUpdate | ShadowRejection>;
  get(address: ShadowAddress, payload?: Uint8Array): Promise<ShadowDocument | ShadowRejection>;
  delete(address: ShadowAddress, payload?: Uint8Array): Promise<AcceptedShadowDelete | ShadowRejection>;
  listNamedShadows(
    thingName: string,
    request?: ListNamedShadowsRequest,
  ): Promise<NamedShadowList | ShadowRejection>;
}

export class LocalShadowService implements ShadowRequests {
  private readonly clock: () => number;
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: LocalShadowStore,
    options: ShadowServiceOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  update(address: ShadowAddress, payload: Uint8Array): Promise<AcceptedShadowUpdate | ShadowRejection> {
    const invalid = validateShadowAddress(address);
    if (invalid) return Promise.resolve(invalid);
    const update = parseUpdateRequest(payload);
    if (update instanceof ShadowRejection) return Promise.resolve(update);
    return this.oneAtATime(address, async () => {
      const current = await this.store.read(address);
      const outcome = applyShadowUpdate(current, update, this.nowSeconds());
      if (outcome instanceof ShadowRejection) return outcome;
      const written = await this.store.write(address, current, outcome.record);
      return written ? outcome : ShadowRejection.versionConflict().withClientToken(update.clientToken);
    });
  }

  get(address: ShadowAddress, payload?: Uint8Array): Promise<ShadowDocument | ShadowRejection> {
    const invalid = validateShadowAddress(address);
    if (invalid) return Promise.resolve(invalid);
    const clientToken = echoableClientToken(payload);
    return this.oneAtATime(address, async () =>
      getShadowDocument(address, await this.store.read(address), this.nowSeconds(), clientToken),
    );
  }

  delete(address: ShadowAddress, payload?: Uint8Array): Promise<AcceptedShadowDelete | ShadowRejection> {
    const invalid = validateShadowAddress(address);
    if (invalid) return Promise.resolve(invalid);
    const clientToken = echoableClientToken(payload);
    return this.oneAtATime(address, async () => {
      const current = await this.store.read(address);
      const outcome = deleteShadow(address, current, this.nowSeconds(), clientToken);
      if (outcome instanceof ShadowRejection) return outcome;
      const written = await this.store.write(address, current, outcome.record);
      return written ? outcome : ShadowRejection.versionConflict().withClientToken(clientToken);
    });
  }

  /** REST ListNamedShadowsForThing: an unknown thing gives an empty list, not an error. */
  async listNamedShadows(
    thingName: string,
    request: ListNamedShadowsRequest = {},
  ): Promise<NamedShadowList | ShadowRejection> {
    const invalid = validateShadowAddress({ thingName });
    if (invalid) return invalid;
    const pageSize = request.pageSize ?? 25;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      return new ShadowRejection(400, 'Invalid pageSize: use 1-100');
    }
    const names = await this.store.listNamedShadows(thingName);
    // The token is the last name already returned, so pages stay stable while shadows come and go.
    const after =
      request.nextToken === undefined ? undefined : Buffer.from(request.nextToken, 'base64url').toString();
    const remaining = after === undefined ? names : names.filter((name) => name > after);
    const results = remaining.slice(0, pageSize);
    const last = results.at(-1);
    return {
      results,
      ...(remaining.length > pageSize && last !== undefined
        ? { nextToken: Buffer.from(last).toString('base64url') }
        : {}),
      timestamp: this.nowSeconds(),
    };
  }

  private oneAtATime<T>(address: ShadowAddress, work: () => Promise<T>): Promise<T> {
    const key = `${address.thingName}/${address.shadowName ?? ''}`;
    const run = (this.tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

/**
 * `/get` and `/delete` take an empty payload, but SDKs send `{"clientToken": ...}` to match the response;
 * echo it when it is valid and ignore the payload otherwise.
 */
function echoableClientToken(payload: Uint8Array | undefined): string | undefined {
  if (payload === undefined || payload.length === 0) return undefined;
  const request = decodeJsonPayload(payload);
  if (request instanceof ShadowRejection) return undefined;
  const token = readClientToken(request);
  return token instanceof ShadowRejection ? undefined : token;
}
