// The formulas behind the derived metrics: plain arithmetic on numbers, no allocation. Inputs in °C and %
// relative humidity; a result that is not finite (e.g. dew point at 0 % humidity) means "no row".

/** Heat index in °C, as the US National Weather Service computes it (www.wpc.ncep.noaa.gov/html/heatindex_equation.shtml). */
export function heatIndexCelsius(temperatureC: number, relativeHumidity: number): number {
  const t = (temperatureC * 9) / 5 + 32;
  const rh = relativeHumidity;
  const simple = 0.5 * (t + 61 + (t - 68) * 1.2 + rh * 0.094);
  let index = simple;
  if ((simple + t) / 2 >= 80) {
    index =
      -42.379 +
      2.049_015_23 * t +
      10.143_331_27 * rh -
      0.224_755_41 * t * rh -
      0.006_837_83 * t * t -
      0.054_817_17 * rh * rh +
      0.001_228_74 * t * t * rh +
      0.000_852_82 * t * rh * rh -
      0.000_001_99 * t * t * rh * rh;
    if (rh < 13 && t >= 80 && t <= 112) {
      index -= ((13 - rh) / 4) * Math.sqrt((17 - Math.abs(t - 95)) / 17);
    } else if (rh > 85 && t >= 80 && t <= 87) {
      index += ((rh - 85) / 10) * ((87 - t) / 5);
    }
  }
  return ((index - 32) * 5) / 9;
}

// Magnus coefficients over water (Alduchov & Eskridge 1996), good to 0.35 °C from -45 °C to 60 °C.
const magnusA = 17.625;
const magnusB = 243.04;

/** Dew point in °C from temperature in °C and relative humidity in %; NaN at or below 0 %. */
export function dewPointCelsius(temperatureC: number, relativeHumidity: number): number {
  if (!(relativeHumidity > 0)) return Number.NaN;
  const gamma = Math.log(relativeHumidity / 100) + (magnusA * temperatureC) / (magnusB + temperatureC);
  return (magnusB * gamma) / (magnusA - gamma);
}
