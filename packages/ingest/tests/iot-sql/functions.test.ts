// IoT SQL functions as iot-sql-functions.html defines them; invalid arguments give Undefined, which
// leaves the key out of the output.
import { describe, expect, it } from 'vitest';
import { select } from './message.js';

describe('message functions', () => {
  it('returns the topic and its 1-based levels, Undefined past the last', () => {
    expect(
      select('topic() AS t, topic(1) AS first, topic(3) AS thing, topic(5) AS none, topic(0) AS zero', {}),
    ).toEqual({
      t: 'dt/tributary/pump-7/telemetry',
      first: 'dt',
      thing: 'pump-7',
    });
  });

  it('returns the levels of topics with empty levels and slashes at either end as they are', () => {
    for (const topic of ['a//b', '/a/b', 'a/b/', '/', 'a', 'a/b/c/d/e/f/g']) {
      const levels = topic.split('/');
      expect(
        select('topic(1) AS l1, topic(2) AS l2, topic(3) AS l3, topic(4) AS l4', {}, { topic }),
        topic,
      ).toEqual(Object.fromEntries(levels.slice(0, 4).map((level, index) => [`l${index + 1}`, level])));
    }
  });

  it('returns the client ID, rules-engine time, trace ID and a new UUID per call', () => {
    expect(
      select('clientid() AS c, timestamp() AS ts, traceid() AS trace, newuuid() AS u1, newuuid() AS u2', {}),
    ).toEqual({ c: 'pump-7', ts: 1_700_000_000_000, trace: 'trace-1', u1: 'uuid-1', u2: 'uuid-2' });
  });

  it('returns the principal when known and Undefined otherwise', () => {
    expect(select('principal() AS p', {}, { principal: 'abc123' })).toEqual({ p: 'abc123' });
    expect(select('principal() AS p', {})).toEqual({});
  });
});

describe('value functions', () => {
  it('reads keys that are not identifiers, and array elements, with get()', () => {
    const payload = { 'my-key': 1, '2fast': 2, list: ['a', 'b'] };
    expect(
      select("get(*, 'my-key') AS a, get(*, '2fast') AS b, get(list, 1) AS c, get(list, 5) AS d", payload),
    ).toEqual({ a: 1, b: 2, c: 'b' });
  });

  it('tells Undefined and null apart', () => {
    expect(
      select('isUndefined(missing) AS u, isUndefined(n) AS nu, isNull(n) AS nn, isNull(missing) AS mn', {
        n: null,
      }),
    ).toEqual({
      u: true,
      nu: false,
      nn: true,
      mn: false,
    });
  });

  it('base64-encodes a value as text', () => {
    expect(select("encode(name, 'base64') AS a, encode(name, 'hex') AS b", { name: 'hi' })).toEqual({
      a: 'aGk=',
    });
  });
});

describe('numeric functions', () => {
  it('rounds half away from zero, and floors and ceils to Int', () => {
    expect(
      select(
        'round(1.5) AS a, round(-1.5) AS b, round(1.2) AS c, floor(-1.2) AS d, ceil(1.2) AS e, abs(-3) AS f',
        {},
      ),
    ).toEqual({ a: 2, b: -2, c: 1, d: -2, e: 2, f: 3 });
  });

  it('computes mod and power, converting numeric strings and refusing others', () => {
    expect(
      select("mod(8, 3) AS a, power(2, 3) AS b, abs('-2.5') AS c, abs('x') AS d, mod(1, 0) AS e", {}),
    ).toEqual({
      a: 2,
      b: 8,
      c: 2.5,
    });
  });
});

describe('string functions', () => {
  it('changes case, measures and tests prefixes of strings only', () => {
    expect(
      select(
        "lower('AbC') AS l, upper('abc') AS u, length('héllo') AS n, startswith('ranger', 'ran') AS s, lower(1) AS x",
        {},
      ),
    ).toEqual({ l: 'abc', u: 'ABC', n: 5, s: true });
  });

  it('takes zero-based, end-exclusive substrings, clamped to the string', () => {
    expect(
      select(
        "substring('012345', 2) AS a, substring('012345', 1, 3) AS b, substring('012345', -50, 50) AS c, " +
          "substring('012345', 3, 1) AS d, substring(123, 2) AS e, substring('012345', 2.745) AS f",
        {},
      ),
    ).toEqual({ a: '2345', b: '12', c: '012345', d: '', e: '3', f: '2345' });
  });

  it('concatenates strings, or arrays into one array', () => {
    expect(
      select("concat('a', 'b', 1) AS s, concat(list, 3) AS arr, concat(missing, 'x') AS u", { list: [1, 2] }),
    ).toEqual({
      s: 'ab1',
      arr: [1, 2, 3],
    });
  });
});

describe('cast (iot-sql-functions.html#iot-sql-function-cast)', () => {
  it('converts between Int, Decimal, Boolean and String', () => {
    expect(
      select(
        "cast('21.7' AS Int) AS a, cast(21.7 AS Int) AS b, cast(true AS Int) AS c, cast('2.5' AS Decimal) AS d, " +
          "cast(0 AS Boolean) AS e, cast('TRUE' AS Boolean) AS f, cast(21.5 AS String) AS g, cast(obj AS String) AS h",
        { obj: { k: 1 } },
      ),
    ).toEqual({ a: 21, b: 21, c: 1, d: 2.5, e: false, f: true, g: '21.5', h: '{"k":1}' });
  });

  it('gives Undefined for a value with no form in the target type', () => {
    expect(
      select("cast('abc' AS Int) AS a, cast('yes' AS Boolean) AS b, cast(missing AS String) AS c", {}),
    ).toEqual({});
  });
});
