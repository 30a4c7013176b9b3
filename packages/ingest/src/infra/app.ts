// `nx synth ingest` / `nx deploy ingest`: the Ingest stage's stacks on their own.
import { createTributaryApp, defaultEnvironment } from '@tributary/contracts/cdk';
import { defineIngestStage } from './define-ingest-stage.js';

const app = createTributaryApp();
defineIngestStage(app, { env: defaultEnvironment() });
app.synth();
