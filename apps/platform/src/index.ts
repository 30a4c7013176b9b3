// @tributary/platform — the local platform as a library: configuration and start-up.
export * from './config.js';
export * from './start-platform.js';
