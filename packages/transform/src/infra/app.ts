// `nx synth transform` / `nx deploy transform`: the Transform stage's stacks on their own.
import { createTributaryApp, defaultEnvironment } from '@tributary/contracts/cdk';
import { defineTransformStage } from './define-transform-stage.js';

const app = createTributaryApp();
defineTransformStage(app, { env: defaultEnvironment() });
app.synth();
