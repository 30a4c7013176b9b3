// The two CSV shapes of NAB: a data series (timestamp,value) and a detector's results
// (timestamp,value,anomaly_score — NAB reads the timestamp and anomaly_score columns by name).
import { parseNabTimestamp } from './timestamps.js';

export interface NabSeries {
  /** Epoch milliseconds (NAB timestamps carry no zone and are read as UTC). */
  readonly timestamps: number[];
  /** NaN where a cell is empty: a missing reading, not zero. */
  readonly values: number[];
  /** The timestamp cells as written, so a results file repeats them exactly. */
  readonly timestampTexts: string[];
}

export interface DetectorResults {
  /** "<category>/<file>.csv", the key of the series in combined_windows.json. */
  readonly name: string;
  readonly timestamps: number[];
  readonly scores: number[];
}

export function parseNabSeriesCsv(name: string, csv: string): NabSeries {
  const { rows, column } = splitCsv(name, csv);
  const timestampColumn = column('timestamp');
  const valueColumn = column('value');
  const series: NabSeries = { timestamps: [], values: [], timestampTexts: [] };
  rows.forEach((cells, index) => {
    const timestampText = cells[timestampColumn] ?? '';
    const valueText = (cells[valueColumn] ?? '').trim();
    series.timestamps.push(timestampAt(name, index, timestampText));
    series.values.push(valueText === '' ? Number.NaN : Number(valueText));
    series.timestampTexts.push(timestampText);
  });
  return series;
}

export function parseResultsCsv(name: string, csv: string): DetectorResults {
  const { rows, column } = splitCsv(name, csv);
  const timestampColumn = column('timestamp');
  const scoreColumn = column('anomaly_score');
  const results: DetectorResults = { name, timestamps: [], scores: [] };
  rows.forEach((cells, index) => {
    results.timestamps.push(timestampAt(name, index, cells[timestampColumn] ?? ''));
    results.scores.push(Number(cells[scoreColumn]));
  });
  return results;
}

/** The results CSV NAB scores: the input rows with the detector's score appended. */
export function formatResultsCsv(series: NabSeries, scores: ArrayLike<number>): string {
  const lines = ['timestamp,value,anomaly_score'];
  for (let row = 0; row < series.timestamps.length; row += 1) {
    const value = series.values[row]!;
    lines.push(`${series.timestampTexts[row]},${Number.isNaN(value) ? '' : value},${scores[row]}`);
  }
  return `${lines.join('\n')}\n`;
}

function splitCsv(name: string, csv: string) {
  const [header = '', ...lines] = csv.split(/\r?\n/).filter((line) => line.length > 0);
  const columns = header.split(',').map((cell) => cell.trim());
  const column = (wanted: string): number => {
    const index = columns.indexOf(wanted);
    if (index < 0) throw new Error(`${name}: the header "${header}" has no "${wanted}" column`);
    return index;
  };
  return { rows: lines.map((line) => line.split(',')), column };
}

function timestampAt(name: string, row: number, text: string): number {
  try {
    return parseNabTimestamp(text);
  } catch (error) {
    throw new Error(`${name} row ${row + 1}: ${(error as Error).message}`);
  }
}
