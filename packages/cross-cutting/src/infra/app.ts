// `nx synth cross-cutting` / `nx deploy cross-cutting`: the Cross-cutting stage's stacks on their own.
import { createTributaryApp, defaultEnvironment } from '@tributary/contracts/cdk';
import { defineCrossCuttingStage } from './define-cross-cutting-stage.js';

const app = createTributaryApp();
defineCrossCuttingStage(app, { env: defaultEnvironment() });
app.synth();
