// The Cross-cutting stage on AWS: its stacks, in the order they deploy.
import type { Construct } from 'constructs';
import { CostMonitoringStack, type CostMonitoringStackProps } from './cost-monitoring-stack.js';
import { LoggingStack } from './logging-stack.js';
import { SecurityStack } from './security-stack.js';

export interface CrossCuttingStage {
  readonly costMonitoring: CostMonitoringStack;
  readonly security: SecurityStack;
  readonly logging: LoggingStack;
}

export function defineCrossCuttingStage(
  scope: Construct,
  props: CostMonitoringStackProps = {},
): CrossCuttingStage {
  const costMonitoring = new CostMonitoringStack(scope, 'CostMonitoringStack', props);
  const security = new SecurityStack(scope, 'SecurityStack', { env: props.env, costMonitoring });
  const logging = new LoggingStack(scope, 'LoggingStack', { env: props.env, costMonitoring });
  return { costMonitoring, security, logging };
}
