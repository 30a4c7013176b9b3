// The closed set of units a thing type may report in, and the linear conversion between two units of one
// quantity. Every conversion here is `scale * value + offset`, so calibration and conversion compose into one
// multiply-add per reading.

interface UnitDefinition {
  readonly quantity: string;
  /** value in the quantity's base unit = scale * value + offset */
  readonly scale: number;
  readonly offset: number;
}

const unitDefinitions = {
  '°C': { quantity: 'temperature', scale: 1, offset: 0 },
  '°F': { quantity: 'temperature', scale: 5 / 9, offset: (-32 * 5) / 9 },
  K: { quantity: 'temperature', scale: 1, offset: -273.15 },
  kPa: { quantity: 'pressure', scale: 1, offset: 0 },
  Pa: { quantity: 'pressure', scale: 0.001, offset: 0 },
  hPa: { quantity: 'pressure', scale: 0.1, offset: 0 },
  bar: { quantity: 'pressure', scale: 100, offset: 0 },
  psi: { quantity: 'pressure', scale: 6.894_757_293_168_361, offset: 0 },
  '%': { quantity: 'ratio', scale: 1, offset: 0 },
  V: { quantity: 'voltage', scale: 1, offset: 0 },
  mV: { quantity: 'voltage', scale: 0.001, offset: 0 },
  A: { quantity: 'current', scale: 1, offset: 0 },
  mA: { quantity: 'current', scale: 0.001, offset: 0 },
  W: { quantity: 'power', scale: 1, offset: 0 },
  kW: { quantity: 'power', scale: 1000, offset: 0 },
} as const satisfies Record<string, UnitDefinition>;

export type Unit = keyof typeof unitDefinitions;
export const knownUnits = Object.keys(unitDefinitions) as [Unit, ...Unit[]];

/** `to = scale * from + offset`. */
export interface LinearMap {
  readonly scale: number;
  readonly offset: number;
}

export const identityMap: LinearMap = { scale: 1, offset: 0 };

/** The conversion from one unit to another, or undefined when they measure different quantities. */
export function conversionBetween(from: Unit, to: Unit): LinearMap | undefined {
  const source: UnitDefinition = unitDefinitions[from];
  const target: UnitDefinition = unitDefinitions[to];
  if (source.quantity !== target.quantity) return undefined;
  if (from === to) return identityMap;
  return { scale: source.scale / target.scale, offset: (source.offset - target.offset) / target.scale };
}

export const quantityOf = (unit: Unit): string => unitDefinitions[unit].quantity;

/** Applies `inner` first, then `outer`, as one map. */
export const composeMaps = (outer: LinearMap, inner: LinearMap): LinearMap => ({
  scale: outer.scale * inner.scale,
  offset: outer.scale * inner.offset + outer.offset,
});
