// The NAB cost profiles (profiles.json): how much a true positive earns and a false positive or a
// missed window costs. The true-negative weight exists in the file but NAB never uses it.
export interface CostProfile {
  readonly name: string;
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

export function parseProfiles(json: unknown): CostProfile[] {
  if (typeof json !== 'object' || json === null) throw new Error('profiles.json must hold an object');
  return Object.entries(json).map(([name, profile]) => {
    const costs = (profile as { CostMatrix?: Record<string, unknown> }).CostMatrix ?? {};
    const weight = (key: string): number => {
      const value = costs[key];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(`profile "${name}" has no numeric CostMatrix.${key}`);
      }
      return value;
    };
    return { name, tpWeight: weight('tpWeight'), fpWeight: weight('fpWeight'), fnWeight: weight('fnWeight') };
  });
}
