// The device registry (things, thing types, static thing groups) shaped like @aws-sdk/client-iot; the
// modules live in ./registry/.
export * from './registry/index.js';
