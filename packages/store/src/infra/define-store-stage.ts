// The Store stage on AWS.
import type { Construct } from 'constructs';
import type { StageStackProps } from '@tributary/contracts/cdk';
import { DataLakeStack } from './data-lake-stack.js';

export interface StoreStage {
  readonly dataLake: DataLakeStack;
}

export function defineStoreStage(scope: Construct, props: Omit<StageStackProps, 'stage'> = {}): StoreStage {
  return { dataLake: new DataLakeStack(scope, 'DataLakeStack', props) };
}
