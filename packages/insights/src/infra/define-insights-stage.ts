// The Insights stage on AWS: its stacks, in the order they deploy.
import type { Construct } from 'constructs';
import { AnalyticsStack, type AnalyticsStackProps } from './analytics-stack.js';
import { DashboardStack } from './dashboard-stack.js';

export interface InsightsStage {
  readonly analytics: AnalyticsStack;
  readonly dashboard: DashboardStack;
}

export function defineInsightsStage(scope: Construct, props: AnalyticsStackProps = {}): InsightsStage {
  const analytics = new AnalyticsStack(scope, 'AnalyticsStack', props);
  const dashboard = new DashboardStack(scope, 'DashboardStack', props);
  dashboard.addStackDependency(analytics);
  return { analytics, dashboard };
}
