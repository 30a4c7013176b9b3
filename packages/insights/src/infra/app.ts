// `nx synth insights` / `nx deploy insights`: the Insights stage's stacks on their own.
import { createTributaryApp, defaultEnvironment } from '@tributary/contracts/cdk';
import { defineInsightsStage } from './define-insights-stage.js';

const app = createTributaryApp();
defineInsightsStage(app, { env: defaultEnvironment() });
app.synth();
