// The Jepsen-style check of a crash test: what the devices were told is safe against what the lake holds.

export interface DeliveryLedger {
  /** Every message id a device put on the wire, acknowledged or not. */
  readonly sent: ReadonlySet<string>;
  /** The message ids whose PUBACK reached the device. */
  readonly acknowledged: ReadonlySet<string>;
}

export interface DeliveryAnomalies {
  /** Acknowledged, yet absent from the lake: the broker broke its promise. */
  readonly lost: string[];
  /** In the lake more than once: the idempotency key did not hold. */
  readonly duplicated: string[];
  /** In the lake but never sent by any device. */
  readonly unexpected: string[];
  /** Sent but never acknowledged, and in the lake: allowed (the PUBACK died with the platform). */
  readonly unacknowledgedButStored: number;
}

/** `copiesInLake`: message id → number of rows the lake holds for it. */
export function deliveryAnomaliesOf(
  ledger: DeliveryLedger,
  copiesInLake: ReadonlyMap<string, number>,
): DeliveryAnomalies {
  const lost = [...ledger.acknowledged].filter((messageId) => !copiesInLake.has(messageId));
  const duplicated: string[] = [];
  const unexpected: string[] = [];
  let unacknowledgedButStored = 0;
  for (const [messageId, copies] of copiesInLake) {
    if (copies > 1) duplicated.push(messageId);
    if (!ledger.sent.has(messageId)) unexpected.push(messageId);
    else if (!ledger.acknowledged.has(messageId)) unacknowledgedButStored += 1;
  }
  return { lost, duplicated, unexpected, unacknowledgedButStored };
}
