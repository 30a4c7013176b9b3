// `nx synth store` / `nx deploy store`: the Store stage's stack on its own.
import { createTributaryApp, defaultEnvironment } from '@tributary/contracts/cdk';
import { defineStoreStage } from './define-store-stage.js';

const app = createTributaryApp();
defineStoreStage(app, { env: defaultEnvironment() });
app.synth();
