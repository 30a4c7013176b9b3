import { defineConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../tools/scripts/vitest.shared.js';

export default defineConfig(sharedVitestConfig);
