// Enrichment: registry and shadow context, unit normalisation, calibration and derived metrics, driven by a
// profile per thing type.
export * from './units.js';
export * from './enrichment-profile.js';
export * from './thing-context.js';
export * from './compile-profile.js';
export * from './derived-formulas.js';
export * from './default-profiles.js';
export * from './thing-enrichment.js';
