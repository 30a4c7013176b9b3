// Seeded random streams, so a simulation run is reproducible from one number: the same seed gives the
// same values, anomalies and labels on every machine.

/** A uniform source on [0, 1). */
export type UniformRandom = () => number;

/**
 * mulberry32: 32-bit state, one multiply-xorshift round per draw — fast and plenty for simulated sensors
 * (not for cryptography). https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export function uniformRandomOf(seed: number): UniformRandom {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed derived from a parent seed and names (FNV-1a over the names, mixed with the seed), so every
 * device, metric and component gets its own independent stream: turning spikes off leaves the noise of
 * the same seed unchanged.
 */
export function seedOf(parentSeed: number, ...names: readonly string[]): number {
  let hash = (0x811c9dc5 ^ (parentSeed >>> 0)) >>> 0;
  for (const name of names) {
    for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0x2f, 0x01000193); // a separator, so ("ab", "c") differs from ("a", "bc")
  }
  // A final avalanche (murmur3 fmix32): FNV alone leaves nearby names with correlated low bits.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Standard normal draws (mean 0, sd 1) by the Box–Muller transform, using both values of each pair. */
export function gaussianRandomOf(uniform: UniformRandom): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform())); // 1 - u is in (0, 1]: log never sees 0
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}
