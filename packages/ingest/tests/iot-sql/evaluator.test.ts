// Evaluating IoT SQL against a message with AWS's semantics: iot-sql-select.html, iot-sql-where.html,
// iot-sql-data-types.html (Undefined), iot-sql-operators.html, binary-payloads.html.
import { describe, expect, it } from 'vitest';
import { RuleEvaluationError } from '../../src/core/iot-sql/evaluator.js';
import { run, select } from './message.js';

const reading = {
  color: 'red',
  temperature: 50,
  state: { reported: { t: 21.5 } },
  readings: [{ v: 1 }, { v: 2 }],
};

describe('SELECT (iot-sql-select.html)', () => {
  it('returns the whole JSON payload for SELECT *', () => {
    expect(select('*', reading)).toEqual(reading);
  });

  it('selects fields, renames them with AS, and reads nested paths and array indexes', () => {
    expect(
      select('color, temperature AS fahrenheit, state.reported.t, readings[1].v AS second', reading),
    ).toEqual({
      color: 'red',
      fahrenheit: 50,
      t: 21.5,
      second: 2,
    });
  });

  it('adds fields to the payload with SELECT *, expr AS name', () => {
    expect(select('*, clientid() AS device', { a: 1 })).toEqual({ a: 1, device: 'pump-7' });
  });

  it('omits a key whose value is Undefined — a missing field is not null (iot-sql-data-types.html)', () => {
    expect(select('color, missing, missing.deeper AS d, readings[9] AS r, nothing AS n', reading)).toEqual({
      color: 'red',
    });
    expect(select('gone', { gone: null })).toEqual({ gone: null });
  });

  it('returns the value itself for SELECT VALUE, including a top-level array (iot-rule-sql-version.html)', () => {
    expect(select('VALUE readings', reading)).toEqual([{ v: 1 }, { v: 2 }]);
    expect(select('VALUE temperature * 2', reading)).toBe(100);
  });

  it('keeps literals of every JSON type, and NULL as an explicit null', () => {
    expect(select("'s' AS s, 1.5 AS d, 7 AS i, true AS b, NULL AS n", {})).toEqual({
      s: 's',
      d: 1.5,
      i: 7,
      b: true,
      n: null,
    });
  });
});

describe('payloads that are not JSON (binary-payloads.html)', () => {
  const binary = Buffer.from([0xff, 0x00, 0x7b]);

  it('passes the raw bytes through for SELECT *', () => {
    expect(select('*', binary)).toEqual(binary);
  });

  it("encodes any payload with encode(*, 'base64')", () => {
    expect(select("encode(*, 'base64') AS data", binary)).toEqual({ data: '/wB7' });
    expect(select("encode(*, 'base64') AS data", '{"t":')).toEqual({
      data: Buffer.from('{"t":').toString('base64'),
    });
  });

  it('sees every field of a binary or malformed payload as Undefined', () => {
    expect(select('t, timestamp() AS at', '{"t":')).toEqual({ at: 1_700_000_000_000 });
  });

  it('cannot add fields to a binary payload', () => {
    expect(() => select('*, timestamp() AS at', binary)).toThrow(RuleEvaluationError);
  });

  it('can add fields to an empty payload', () => {
    expect(select('*, clientid() AS c', '')).toEqual({ c: 'pump-7' });
  });
});

describe('WHERE (iot-sql-where.html)', () => {
  it('matches only when the condition is true', () => {
    expect(run("SELECT * FROM 't' WHERE temperature > 40 AND color = 'red'", reading).matched).toBe(true);
    expect(run("SELECT * FROM 't' WHERE temperature > 60", reading).matched).toBe(false);
  });

  it('does not match malformed JSON when the condition reads a field (faults.md row 1)', () => {
    expect(run("SELECT * FROM 't' WHERE temperature > 40", '{"temperature": 50,').matched).toBe(false);
    expect(run("SELECT * FROM 't' WHERE NOT (temperature > 40)", "{'temperature': 50}").matched).toBe(false);
  });

  it('does not match when the condition is Undefined, even negated', () => {
    expect(run("SELECT * FROM 't' WHERE missing = 1", reading).matched).toBe(false);
    expect(run("SELECT * FROM 't' WHERE missing <> 1", reading).matched).toBe(false);
    expect(run("SELECT * FROM 't' WHERE NOT missing", reading).matched).toBe(false);
  });

  it('cannot see SELECT aliases: WHERE runs on the incoming payload', () => {
    expect(run("SELECT temperature AS f FROM 't' WHERE f = 50", reading).matched).toBe(false);
  });
});

describe('operators (iot-sql-operators.html)', () => {
  it('propagates Undefined through arithmetic and comparison', () => {
    expect(
      select('missing + 1 AS a, missing > 1 AS b, missing = missing AS c, -missing AS d', reading),
    ).toEqual({});
  });

  it('keeps Int arithmetic Int and converts numeric strings to Decimal', () => {
    expect(
      select(
        "7 / 2 AS div, 7.0 / 2 AS whole, 7.5 / 2 AS dec, 7 % 3 AS rem, '10' * 2 AS s, 'x' * 2 AS bad",
        {},
      ),
    ).toEqual({
      div: 3,
      whole: 3,
      dec: 3.75,
      rem: 1,
      s: 20,
    });
  });

  it('concatenates with + when either side is a string', () => {
    expect(select("'t=' + temperature AS text, 1 + 2 AS sum", reading)).toEqual({ text: 't=50', sum: 3 });
  });

  it('compares mismatched types as unequal, and numbers as numbers', () => {
    expect(select("'5' = 5 AS a, '5' <> 5 AS b, 5 = 5.0 AS c, '9' < 10 AS d, 'x' < 10 AS e", {})).toEqual({
      a: false,
      b: true,
      c: true,
      d: true,
    });
  });

  it('compares arrays in order and objects by keys and values', () => {
    expect(
      select('readings = readings AS same, state = state AS obj, readings[0] = readings[1] AS diff', reading),
    ).toEqual({ same: true, obj: true, diff: false });
  });

  it('accepts "true"/"false" strings in AND/OR/NOT and yields Undefined for other values', () => {
    expect(
      select("'TRUE' AND true AS a, 'false' OR false AS b, NOT 'false' AS c, 1 AND true AS d", {}),
    ).toEqual({
      a: true,
      b: false,
      c: true,
    });
  });

  it('respects precedence and parentheses', () => {
    expect(select('1 + 2 * 3 AS a, (1 + 2) * 3 AS b, -2 * 3 AS c', {})).toEqual({ a: 7, b: 9, c: -6 });
  });

  it('returns Undefined for division by zero', () => {
    expect(select('1 / 0 AS a, 1 % 0 AS b', {})).toEqual({});
  });
});

describe('CASE (iot-sql-case.html)', () => {
  it('returns the THEN of the first matching WHEN, the ELSE, or Undefined', () => {
    const sql = "CASE color WHEN 'blue' THEN 1 WHEN 'red' THEN 2 ELSE 3 END AS c";
    expect(select(sql, reading)).toEqual({ c: 2 });
    expect(select(sql, { color: 'green' })).toEqual({ c: 3 });
    expect(select("CASE color WHEN 'blue' THEN 1 END AS c", reading)).toEqual({});
  });
});
