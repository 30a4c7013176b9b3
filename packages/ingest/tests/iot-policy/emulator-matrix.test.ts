// The emulator test matrix (reference/faults.md, "How AWS IoT policy evaluation works"), run for each of
// Connect, Publish, Subscribe and Receive. Item 6 (revoking iot:Receive mid-subscription) is the broker's:
// it calls authorize for every delivery with the policies attached at that moment.
import { describe, expect, it } from 'vitest';
import type { BrokerOperation } from '../../src/core/iot-policy/index.js';
import { allow, allowed, arnPrefix, attachedAs, decide, deny, policy, unattached } from './fixtures.js';

const thing = '${iot:Connection.Thing.ThingName}';

interface MatrixRow {
  readonly action: 'iot:Connect' | 'iot:Publish' | 'iot:Subscribe' | 'iot:Receive';
  /** The thing-scoped resource the policy allows. */
  readonly ownResource: string;
  readonly ownOperation: BrokerOperation;
  readonly otherThingsOperation: BrokerOperation;
  /** The literal resource of ownOperation, for a Deny that names it. */
  readonly ownLiteralResource: string;
  /** `#` in a Deny is literal: it blocks `hashOperation` only, not `plainOperation`. */
  readonly wildcardAllow: string;
  readonly hashDeny: string;
  readonly plainOperation: BrokerOperation;
  readonly hashOperation: BrokerOperation;
}

const matrix: MatrixRow[] = [
  {
    action: 'iot:Connect',
    ownResource: `${arnPrefix}:client/${thing}`,
    ownOperation: { action: 'iot:Connect', clientId: 'pump-7' },
    otherThingsOperation: { action: 'iot:Connect', clientId: 'pump-8' },
    ownLiteralResource: `${arnPrefix}:client/pump-7`,
    wildcardAllow: `${arnPrefix}:client/*`,
    hashDeny: `${arnPrefix}:client/#`,
    plainOperation: { action: 'iot:Connect', clientId: 'a/b' },
    hashOperation: { action: 'iot:Connect', clientId: '#' },
  },
  {
    action: 'iot:Publish',
    ownResource: `${arnPrefix}:topic/dt/tributary/${thing}/telemetry`,
    ownOperation: { action: 'iot:Publish', topic: 'dt/tributary/pump-7/telemetry' },
    otherThingsOperation: { action: 'iot:Publish', topic: 'dt/tributary/pump-8/telemetry' },
    ownLiteralResource: `${arnPrefix}:topic/dt/tributary/pump-7/telemetry`,
    wildcardAllow: `${arnPrefix}:topic/a/*`,
    hashDeny: `${arnPrefix}:topic/a/#`,
    plainOperation: { action: 'iot:Publish', topic: 'a/b' },
    // A topic name cannot hold `#`; the Deny still matches the literal text, e.g. in a Receive check.
    hashOperation: { action: 'iot:Publish', topic: 'a/#' },
  },
  {
    action: 'iot:Subscribe',
    ownResource: `${arnPrefix}:topicfilter/$aws/things/${thing}/shadow/*`,
    ownOperation: { action: 'iot:Subscribe', topicFilter: '$aws/things/pump-7/shadow/update/accepted' },
    otherThingsOperation: {
      action: 'iot:Subscribe',
      topicFilter: '$aws/things/pump-8/shadow/update/accepted',
    },
    ownLiteralResource: `${arnPrefix}:topicfilter/$aws/things/pump-7/shadow/update/accepted`,
    wildcardAllow: `${arnPrefix}:topicfilter/a/*`,
    hashDeny: `${arnPrefix}:topicfilter/a/#`,
    plainOperation: { action: 'iot:Subscribe', topicFilter: 'a/b' },
    hashOperation: { action: 'iot:Subscribe', topicFilter: 'a/#' },
  },
  {
    action: 'iot:Receive',
    ownResource: `${arnPrefix}:topic/$aws/things/${thing}/shadow/*`,
    ownOperation: { action: 'iot:Receive', topic: '$aws/things/pump-7/shadow/update/delta' },
    otherThingsOperation: { action: 'iot:Receive', topic: '$aws/things/pump-8/shadow/update/delta' },
    ownLiteralResource: `${arnPrefix}:topic/$aws/things/pump-7/shadow/update/delta`,
    wildcardAllow: `${arnPrefix}:topic/a/*`,
    hashDeny: `${arnPrefix}:topic/a/#`,
    plainOperation: { action: 'iot:Receive', topic: 'a/b' },
    hashOperation: { action: 'iot:Receive', topic: 'a/#' },
  },
];

describe.each(matrix)('$action (iot-policies.html, thing-policy-variables.html)', (row) => {
  const ownPolicy = policy([allow(row.action, row.ownResource)]);

  it('allows the thing its own resource through ${iot:Connection.Thing.ThingName}', () => {
    const decision = decide(ownPolicy, row.ownOperation, attachedAs());
    expect(decision).toMatchObject({
      allowed: true,
      deciding: { policyName: 'test-policy', statementIndex: 0 },
    });
  });

  it("denies the thing another thing's resource", () => {
    const otherContext = row.action === 'iot:Connect' ? attachedAs(undefined, 'pump-8') : attachedAs();
    const decision = decide(ownPolicy, row.otherThingsOperation, otherContext);
    expect(decision.allowed).toBe(false);
    expect(decision.deciding).toBeUndefined();
    expect(decision.reason).toContain('no statement allows it');
  });

  it('denies when an explicit Deny overlaps the Allow, in whichever order they appear', () => {
    for (const statements of [
      [allow(row.action, row.ownResource), deny(row.action, row.ownLiteralResource)],
      [deny(row.action, row.ownLiteralResource), allow(row.action, row.ownResource)],
    ]) {
      const decision = decide(policy(statements), row.ownOperation, attachedAs());
      const denyIndex = statements.findIndex((s) => s.Effect === 'Deny');
      expect(decision).toMatchObject({ allowed: false, deciding: { statementIndex: denyIndex } });
      expect(decision.reason).toContain('denied explicitly');
    }
  });

  it('denies when the certificate is not attached to the thing, so the variable is unresolved', () => {
    expect(allowed(ownPolicy, row.ownOperation, unattached('pump-7'))).toBe(false);
  });

  it('reads # in a Deny literally: it does not block a/b (pub-sub-policy.html)', () => {
    const wildcardPolicy = policy([allow(row.action, row.wildcardAllow), deny(row.action, row.hashDeny)]);
    const context = unattached(row.action === 'iot:Connect' ? 'a/b' : 'c1');
    expect(allowed(wildcardPolicy, row.plainOperation, context)).toBe(true);
    const hashContext = unattached(row.action === 'iot:Connect' ? '#' : 'c1');
    expect(allowed(wildcardPolicy, row.hashOperation, hashContext)).toBe(false);
  });
});
