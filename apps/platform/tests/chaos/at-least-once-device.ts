// A device that publishes telemetry at QoS 1 with at-least-once delivery, as the AWS IoT Device SDK does:
// a message counts as delivered only once its PUBACK arrived; after a lost connection the device
// reconnects and sends again every message still unacknowledged (same message id, so the lake can
// drop the copy). It keeps the ledger the chaos test checks the lake against.
import mqtt, { type MqttClient } from 'mqtt';

export interface AtLeastOnceDeviceOptions {
  readonly thingName: string;
  readonly brokerUrl: string;
  readonly messagesPerSecond: number;
  /** New messages wait while this many are unacknowledged, as a device's offline queue would. */
  readonly maxUnacknowledged: number;
}

export class AtLeastOnceDevice {
  /** Every message id this device put on the wire at least once. */
  readonly sent = new Set<string>();
  /** The message ids whose PUBACK arrived: the broker promised not to lose these. */
  readonly acknowledged = new Set<string>();
  /** Payloads awaiting their PUBACK, in the order they were first sent, to send again on reconnect. */
  private readonly unacknowledged = new Map<string, string>();
  private client: MqttClient | undefined;
  private connected = false;
  private producing = false;
  private running = false;
  private nextSequence = 1;
  private readonly topic: string;
  private producer: NodeJS.Timeout | undefined;
  /** Sends of a message already sent once, after a reconnect. */
  resends = 0;

  constructor(private readonly options: AtLeastOnceDeviceOptions) {
    this.topic = `dt/tributary/${options.thingName}/telemetry`;
  }

  /** Starts connecting (retrying until the broker answers) and producing messages. */
  start(): void {
    this.running = true;
    this.producing = true;
    this.connect();
    this.producer = setInterval(() => this.produceOne(), 1000 / this.options.messagesPerSecond);
  }

  /** Stops producing new messages; the unacknowledged ones keep being sent until `close`. */
  stopProducing(): void {
    this.producing = false;
    clearInterval(this.producer);
  }

  get unacknowledgedCount(): number {
    return this.unacknowledged.size;
  }

  /** Disconnects for good; messages still unacknowledged stay so (neither lost nor promised). */
  async close(): Promise<void> {
    this.stopProducing();
    this.running = false;
    await this.client?.endAsync(true);
  }

  private connect(): void {
    if (!this.running) return;
    // One client per connection (no automatic reconnect): this class owns what is resent, not mqtt.js's store.
    const client = mqtt.connect(this.options.brokerUrl, {
      clientId: this.options.thingName,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 2_000,
      keepalive: 5,
    });
    this.client = client;
    client.on('connect', () => {
      this.connected = true;
      this.resends += this.unacknowledged.size;
      for (const [messageId, payload] of this.unacknowledged) this.send(client, messageId, payload);
    });
    client.on('error', () => undefined); // the 'close' that follows reconnects
    client.once('close', () => {
      this.connected = false;
      client.end(true);
      if (this.client === client) setTimeout(() => this.connect(), 200);
    });
  }

  private produceOne(): void {
    const client = this.client;
    if (!this.producing || !this.connected || !client) return;
    if (this.unacknowledged.size >= this.options.maxUnacknowledged) return;
    const messageId = `${this.options.thingName}-${String(this.nextSequence++).padStart(7, '0')}`;
    const payload = JSON.stringify({
      messageId,
      metrics: { temperature: 20 + (this.nextSequence % 100) / 10 },
    });
    this.unacknowledged.set(messageId, payload);
    this.send(client, messageId, payload);
  }

  private send(client: MqttClient, messageId: string, payload: string): void {
    this.sent.add(messageId);
    client.publish(this.topic, payload, { qos: 1 }, (error) => {
      // An error means the connection closed first: the message stays unacknowledged and is sent again.
      if (error || !this.unacknowledged.delete(messageId)) return;
      this.acknowledged.add(messageId);
    });
  }
}
