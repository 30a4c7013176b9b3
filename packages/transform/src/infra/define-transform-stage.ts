// The Transform stage on AWS: its stacks, in the order they deploy.
import type { Construct } from 'constructs';
import type { StageStackProps } from '@tributary/contracts/cdk';
import { AnomalyDetectionStack } from './anomaly-detection-stack.js';
import { EnrichmentStack } from './enrichment-stack.js';
import { StreamingStack, type StreamingStackProps } from './streaming-stack.js';

export interface TransformStage {
  readonly streaming: StreamingStack;
  readonly enrichment: EnrichmentStack;
  readonly anomalyDetection: AnomalyDetectionStack;
}

export function defineTransformStage(
  scope: Construct,
  props: Omit<StageStackProps, 'stage'> & Pick<StreamingStackProps, 'streamMode' | 'shardCount'> = {},
): TransformStage {
  const streaming = new StreamingStack(scope, 'StreamingStack', props);
  const anomalyDetection = new AnomalyDetectionStack(scope, 'AnomalyDetectionStack', props);
  const enrichment = new EnrichmentStack(scope, 'EnrichmentStack', { ...props, streaming, anomalyDetection });
  return { streaming, enrichment, anomalyDetection };
}
