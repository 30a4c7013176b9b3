// What IoT SQL can see of one message besides its payload: the facts its functions return.
import type { PayloadValue } from './values.js';

export interface MessageContext {
  /** The topic the rule sees: for Basic Ingest, without the `$aws/rules/<rule>/` prefix. */
  readonly topic: string;
  /** `clientid()`: the MQTT client ID, or "n/a" when the message did not come over MQTT. */
  readonly clientId: string;
  /** `principal()`: the certificate thumbprint or IAM identity that published; Undefined if unknown. */
  readonly principal?: string;
  readonly payload: Buffer;
  /**
   * The payload as IoT SQL sees it (parsed at most once), when the caller made one for the message;
   * otherwise `payloadOf` makes and remembers it.
   */
  readonly payloadValue?: PayloadValue;
  /** `timestamp()`: epoch milliseconds at the rules engine. */
  readonly timestamp: number;
  /** `traceid()`: one ID per message, shared by every rule it triggers. */
  readonly traceId: string;
  /** `newuuid()`: a new random UUID on every call. */
  readonly newUuid: () => string;
}
