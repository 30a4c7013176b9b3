// The local rules engine: runs each topic rule whose FROM filter matches a publish — or the one rule a
// Basic Ingest topic names — through its IoT SQL, then its actions, and sends AWS's error record to the
// rule's error action when an action fails (rule-error-handling.html, iot-basic-ingest.html).
import { randomUUID } from 'node:crypto';
import type { Logger } from '@tributary/contracts';
import {
  basicIngestTargetOf,
  compileRule,
  type CompiledAction,
  type CompiledRule,
  type RuleAction,
  type RuleActionFailure,
  type RuleErrorAction,
  type RuleErrorRecord,
  type RuleOutput,
  type TopicRule,
} from '../core/topic-rule.js';
import { evaluateStatement, RuleEvaluationError } from '../core/iot-sql/evaluator.js';
import type { MessageContext } from '../core/iot-sql/message-context.js';
import { PayloadValue } from '../core/iot-sql/values.js';
import { renderTemplate } from '../core/iot-sql/substitution-template.js';

/** Publishes a message the way a republish action does: through the broker, to its subscribers. */
export type RulePublish = (topic: string, payload: Buffer, qos: 0 | 1) => Promise<void>;

export interface RulesEngineOptions {
  readonly logger: Logger;
  /** IoT SQL `timestamp()`. @default Date.now */
  readonly clock?: () => number;
  /** What republish actions publish through; without it a republish action fails (to the error action). */
  readonly publish?: RulePublish;
}

export class LocalRulesEngine {
  private readonly rules = new Map<string, CompiledRule>();
  private readonly clock: () => number;

  constructor(private readonly options: RulesEngineOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Adds a rule; throws `InvalidRuleSqlError` / `UnsupportedRuleSqlError` (with the position) if the
   * engine cannot run its SQL or templates exactly as AWS would, or `InvalidTopicRuleError`.
   */
  addRule(rule: TopicRule): void {
    const compiled = compileRule(rule);
    if (this.rules.has(rule.name))
      throw new Error(`Rule "${rule.name}" already exists: rule names are unique`);
    this.rules.set(rule.name, compiled);
  }

  /**
   * Evaluates every rule this publish triggers and resolves, once every action (and error action) has
   * finished, with the number of rules triggered — what AWS bills. A rule whose FROM filter matches is
   * triggered even if its WHERE is false. Rejects only if an action failed and there was no error
   * action to take the message, or the error action failed too: the message is never silently lost.
   */
  evaluate(topic: string, payload: Buffer, clientId: string, principal?: string): Promise<number> {
    try {
      const basicIngest = basicIngestTargetOf(topic);
      const triggered = basicIngest ? this.basicIngestRule(basicIngest.ruleName) : this.rulesMatching(topic);
      if (triggered.length === 0) return Promise.resolve(0);
      const message = new RuleMessage(
        basicIngest?.topic ?? topic,
        clientId,
        principal,
        payload,
        this.clock(),
      );
      const count = triggered.length;
      // Most publishes trigger one rule: no array of promises for them.
      const runs =
        count === 1
          ? this.run(triggered[0]!, message, topic)
          : Promise.all(triggered.map((rule) => this.run(rule, message, topic)));
      return runs.then(() => count);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private basicIngestRule(ruleName: string): CompiledRule[] {
    const rule = this.rules.get(ruleName);
    // AWS logs this and counts it in the RuleNotFound metric (iot-basic-ingest.html).
    if (!rule) this.options.logger.warn('Basic Ingest publish to a rule that does not exist', { ruleName });
    return rule ? [rule] : [];
  }

  private rulesMatching(topic: string): CompiledRule[] {
    const matching: CompiledRule[] = [];
    for (const rule of this.rules.values()) if (rule.triggeredBy(topic)) matching.push(rule);
    return matching;
  }

  /**
   * Runs one triggered rule: its SQL, then its actions, and the error action if one failed. Written with
   * `then` rather than `await`: a message waits here until the stream has fsync'd it, and an async function's
   * frame would hold everything it had in scope (SQL output, rendered templates) that long, surviving the
   * young generation's collections.
   */
  private run(rule: CompiledRule, message: MessageContext, publishedTopic: string): Promise<void> {
    let output: RuleOutput;
    try {
      const result = evaluateStatement(rule.statement, message);
      if (!result.matched || result.output === undefined) return nothingToDo;
      output = result.output;
    } catch (error) {
      if (!(error instanceof RuleEvaluationError)) return Promise.reject(error);
      this.options.logger.warn('rule SQL produced no output for this message', {
        rule: rule.rule.name,
        error: error.message,
      });
      return nothingToDo;
    }
    if (rule.actions.length === 1) {
      return this.runAction(rule.actions[0]!, output, message).then((failure) =>
        failure ? this.afterActionsFailed(rule, message, publishedTopic, [failure]) : undefined,
      );
    }
    return Promise.all(rule.actions.map((action) => this.runAction(action, output, message))).then(
      (outcomes) => {
        const failures = outcomes.filter((f): f is RuleActionFailure => f !== undefined);
        return failures.length > 0
          ? this.afterActionsFailed(rule, message, publishedTopic, failures)
          : undefined;
      },
    );
  }

  /** Logs the failed actions and hands AWS's error record to the rule's error action. */
  private async afterActionsFailed(
    rule: CompiledRule,
    message: MessageContext,
    publishedTopic: string,
    failures: readonly RuleActionFailure[],
  ): Promise<void> {
    const ruleName = rule.rule.name;
    for (const failure of failures)
      this.options.logger.error('rule action failed', { rule: ruleName, ...failure });
    const record: RuleErrorRecord = {
      ruleName,
      topic: publishedTopic,
      cloudwatchTraceId: message.traceId,
      clientId: message.clientId,
      base64OriginalPayload: message.payload.toString('base64'),
      failures: [...failures],
    };
    if (!rule.errorAction) {
      throw new Error(
        `Rule "${ruleName}": ${failures.map((f) => f.errorMessage).join('; ')} (no error action)`,
      );
    }
    const errorActionFailure = await this.runAction(rule.errorAction, record, message);
    if (errorActionFailure) {
      throw new Error(`Rule "${ruleName}": its error action failed too: ${errorActionFailure.errorMessage}`);
    }
  }

  /** Runs one action; resolves with its failure, or undefined when it succeeded. */
  private runAction(
    { action, template }: CompiledAction<RuleAction | RuleErrorAction>,
    record: RuleOutput | RuleErrorRecord,
    message: MessageContext,
  ): Promise<RuleActionFailure | undefined> {
    const rendered = renderTemplate(template, message);
    const failed = (error: unknown) =>
      actionFailure(action, rendered, error instanceof Error ? error.message : String(error));
    try {
      if (action.kind === 'stream') {
        // Kinesis refuses an empty partition key (PutRecord: PartitionKey is 1-256 characters).
        if (rendered.length === 0)
          return Promise.resolve(
            actionFailure(action, rendered, `partition key ${action.partitionKey} is empty for this message`),
          );
        // The rule's actions get its SELECT output, its error action the error record: compileRule pairs them.
        const put = action.put as (record: unknown, partitionKey: string) => Promise<void> | void;
        return Promise.resolve(put(record, rendered)).then(succeeded, failed);
      }
      if (!this.options.publish)
        return Promise.resolve(
          actionFailure(action, rendered, 'the rules engine was given no publish function for republish'),
        );
      return this.options
        .publish(republishTopic(rendered), payloadBytes(record), action.qos ?? 0)
        .then(succeeded, failed);
    } catch (error) {
      return Promise.resolve(failed(error));
    }
  }
}

const nothingToDo: Promise<void> = Promise.resolve();
const succeeded = (): undefined => undefined;

/** One message as the rules see it; `traceid()` is drawn only if a rule or an error record asks for it. */
class RuleMessage implements MessageContext {
  readonly payloadValue: PayloadValue;
  readonly newUuid = randomUUID;
  private drawnTraceId: string | undefined;

  constructor(
    readonly topic: string,
    readonly clientId: string,
    readonly principal: string | undefined,
    readonly payload: Buffer,
    readonly timestamp: number,
  ) {
    this.payloadValue = new PayloadValue(payload);
  }

  get traceId(): string {
    return (this.drawnTraceId ??= randomUUID());
  }
}

function actionFailure(
  action: RuleAction | RuleErrorAction,
  rendered: string,
  errorMessage: string,
): RuleActionFailure {
  return {
    failedAction: action.kind === 'stream' ? 'KinesisAction' : 'RepublishAction',
    failedResource: action.kind === 'stream' ? action.streamName : republishTopic(rendered),
    errorMessage,
  };
}

/** `$$` at the start of a republish topic stands for a literal `$` (republish-rule-action.html). */
const republishTopic = (rendered: string) => (rendered.startsWith('$$') ? rendered.slice(1) : rendered);

function payloadBytes(record: unknown): Buffer {
  return Buffer.isBuffer(record) ? record : Buffer.from(JSON.stringify(record));
}
