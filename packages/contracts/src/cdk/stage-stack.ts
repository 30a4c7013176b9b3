// A Stack that belongs to one stage and talks to other stages only through the SSM catalogue.
// `publish` takes only this stage's parameters and `read` only its own or upstream ones: reading a
// downstream stage's output does not compile.
import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { ParameterReadableBy, StageParameter } from '../ssm.js';
import type { Stage } from '../stages.js';

export interface StageStackProps extends StackProps {
  /** The stage this stack belongs to; tags every resource with `tributary:stage`. */
  readonly stage: Stage;
}

export class StageStack<S extends Stage> extends Stack {
  public readonly stage: S;

  constructor(scope: Construct, id: string, props: StageStackProps & { readonly stage: S }) {
    super(scope, id, props);
    this.stage = props.stage;
    Tags.of(this).add('tributary:stage', props.stage);
    Tags.of(this).add('tributary:stack', id);
  }

  /** Publishes one of this stage's outputs for downstream stages. */
  publish(parameter: StageParameter<S>, value: string): ssm.StringParameter {
    return new ssm.StringParameter(this, `Parameter${parameter.name.replaceAll(/[^A-Za-z0-9]/g, '')}`, {
      parameterName: parameter.name,
      description: parameter.description,
      stringValue: value,
    });
  }

  /** Reads an output this stage or an upstream stage published; resolved at deploy time. */
  read(parameter: ParameterReadableBy<S>): string {
    return ssm.StringParameter.valueForStringParameter(this, parameter.name);
  }
}
