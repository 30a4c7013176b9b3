// The whole platform's CDK app: `cd apps/cdk && npx cdk synth` (or `deploy --all`).
import { createTributaryApp, defaultEnvironment } from '@tributary/contracts/cdk';
import { defineTributary } from './define-tributary.js';

const app = createTributaryApp();
defineTributary(app, defaultEnvironment());
app.synth();
