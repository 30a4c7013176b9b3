// The local rules engine: runs each topic rule whose FROM filter matches a publish, and sends an
// AWS-shaped error record to the rule's error action when its action fails (rule-error-handling.html).
import { randomUUID } from 'node:crypto';
import type { Logger } from '@tributary/contracts';
import { compileRule, project, type CompiledRule, type TopicRule } from '../core/topic-rule.js';
import { topicMatches } from '../core/topic-filter.js';

export interface RulesEngineOptions {
  readonly logger: Logger;
  /** IoT SQL `timestamp()`. @default Date.now */
  readonly clock?: () => number;
}

export class LocalRulesEngine {
  private readonly rules: CompiledRule[] = [];
  private readonly clock: () => number;

  constructor(private readonly options: RulesEngineOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Adds a rule; throws `UnsupportedRuleSqlError` if the engine cannot run its SQL as AWS would. */
  addRule(rule: TopicRule): void {
    this.rules.push(compileRule(rule));
  }

  /**
   * Evaluates every matching rule for one publish; resolves, once every action has finished, with the
   * number of rules triggered (what AWS bills as rules triggered).
   */
  async evaluate(topic: string, payload: Buffer, clientId: string): Promise<number> {
    const matching = this.rules.filter((r) => topicMatches(r.topicFilter, topic));
    await Promise.all(matching.map(({ rule }) => this.run(rule, topic, payload, clientId)));
    return matching.length;
  }

  private async run(rule: TopicRule, topic: string, payload: Buffer, clientId: string): Promise<void> {
    const output = project({ topic, payload, clientId, receivedAt: this.clock(), newUuid: randomUUID() });
    try {
      await rule.action.run(output);
    } catch (error) {
      const errorMessage = error instanceof Error ? error.message : String(error);
      this.options.logger.error('rule action failed', {
        rule: rule.name,
        action: rule.action.name,
        errorMessage,
      });
      if (!rule.errorAction) throw error;
      await rule.errorAction({
        ruleName: rule.name,
        topic,
        clientId,
        base64OriginalPayload: payload.toString('base64'),
        failures: [{ failedAction: rule.action.name, failedResource: rule.action.name, errorMessage }],
      });
    }
  }
}
