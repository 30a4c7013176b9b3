// Reads the MQTT fixed header of every packet as bytes arrive and closes the connection as soon as a
// packet announces more than the limit, before any of its body is buffered. aedes (mqtt-packet) would
// otherwise buffer a whole announced packet, up to 256 MB, even before CONNECT (faults.md #3).
import type { Duplex } from 'node:stream';
import { BrokerRefusalError } from './refusals.js';

const connectPacketType = 1;
const maxRemainingLengthBytes = 4; // MQTT 3.1.1 §2.2.3

/** Walks packet boundaries in a byte stream without copying: it only reads header bytes and skips bodies. */
export class FixedHeaderScanner {
  private state: 'type' | 'length' | 'body' = 'type';
  private isFirstPacket = true;
  private remainingLength = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly maxRemainingLength: number) {}

  /** The reason to close the connection, or undefined while the bytes stay within the rules. */
  scan(chunk: Uint8Array): BrokerRefusalError | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.state === 'body') {
        const skipped = Math.min(this.bodyLeft, chunk.length - offset);
        offset += skipped;
        this.bodyLeft -= skipped;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[offset++] as number;
      if (this.state === 'type') {
        if (this.isFirstPacket && byte >> 4 !== connectPacketType) {
          return new BrokerRefusalError(
            'MALFORMED_PACKET',
            'The first packet on a connection must be CONNECT (MQTT-3.1.0-1)',
          );
        }
        this.isFirstPacket = false;
        this.state = 'length';
        this.remainingLength = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      const refusal = this.readLengthByte(byte);
      if (refusal) return refusal;
    }
    return undefined;
  }

  private readLengthByte(byte: number): BrokerRefusalError | undefined {
    this.remainingLength += (byte & 0x7f) * this.multiplier;
    this.multiplier *= 128;
    this.lengthBytes++;
    // The length only grows with each further byte, so the limit can be enforced before the last one.
    if (this.remainingLength > this.maxRemainingLength) {
      return new BrokerRefusalError(
        'PACKET_TOO_LARGE',
        `A packet announced at least ${this.remainingLength} bytes; the limit is ${this.maxRemainingLength}`,
      );
    }
    if (byte & 0x80) {
      return this.lengthBytes === maxRemainingLengthBytes
        ? new BrokerRefusalError('MALFORMED_PACKET', 'Remaining length longer than 4 bytes (MQTT 2.2.3)')
        : undefined;
    }
    this.bodyLeft = this.remainingLength;
    this.state = this.bodyLeft === 0 ? 'type' : 'body';
    return undefined;
  }
}

/**
 * Puts the scanner in front of the stream's read buffer. It taps `push`, the one call through which a
 * socket (net or TLS) hands received bytes to its readers, so the happy path adds no copy and no extra
 * stream; bytes already buffered when the stream is handed over are scanned first.
 */
export function guardIncomingPackets(
  stream: Duplex,
  maxRemainingLength: number,
  onRefusal: (refusal: BrokerRefusalError) => void,
): void {
  const scanner = new FixedHeaderScanner(maxRemainingLength);
  const refuse = (refusal: BrokerRefusalError) => {
    onRefusal(refusal);
    stream.destroy();
  };
  const alreadyBuffered = stream.readableLength > 0 ? (stream.read() as Buffer | null) : null;
  if (alreadyBuffered) {
    const refusal = scanner.scan(alreadyBuffered);
    if (refusal) return refuse(refusal);
    stream.unshift(alreadyBuffered);
  }
  const push = stream.push.bind(stream);
  stream.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk instanceof Uint8Array) {
      const refusal = scanner.scan(chunk);
      if (refusal) {
        refuse(refusal);
        return false;
      }
    }
    return push(chunk, encoding);
  };
}
