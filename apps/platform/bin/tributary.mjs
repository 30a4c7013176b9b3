#!/usr/bin/env node
// Runs the CLI from its TypeScript source (workspace packages resolve to their sources through the
// "@tributary/source" condition), forwarding arguments, signals and the exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliEnvironment, cliNodeFlags } from './node-flags.mjs';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const child = spawn(process.execPath, [...cliNodeFlags, main, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: cliEnvironment(),
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
