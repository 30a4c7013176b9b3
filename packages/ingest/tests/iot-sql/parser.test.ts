// The IoT SQL parser: what it accepts (iot-sql-reference.html, SQL 2016-03-23) and how it refuses the
// rest — always with a code, the position, and what to write instead.
import { telemetryRuleSql, topics } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { InvalidRuleSqlError, UnsupportedRuleSqlError } from '../../src/core/iot-sql/errors.js';
import { parseRuleSql } from '../../src/core/iot-sql/parser.js';

function refusal(sql: string): InvalidRuleSqlError | UnsupportedRuleSqlError {
  try {
    parseRuleSql(sql);
  } catch (error) {
    if (error instanceof InvalidRuleSqlError || error instanceof UnsupportedRuleSqlError) return error;
    throw error;
  }
  throw new Error(`parsed: ${sql}`);
}

describe('parsing IoT SQL', () => {
  it("parses the platform's telemetry rule and reads its FROM filter", () => {
    const statement = parseRuleSql(telemetryRuleSql(topics.telemetryFilter));
    expect(statement.topicFilter).toBe('dt/tributary/+/telemetry');
    expect(statement.select.map((item) => (item.kind === 'named' ? item.name : '*'))).toEqual([
      'payload',
      'topic',
      'clientId',
      'receivedAt',
      'correlationId',
    ]);
  });

  it('reads keywords in any case, as SQL does', () => {
    const statement = parseRuleSql("select color as c from 'a/+' where temperature > 50");
    expect(statement.topicFilter).toBe('a/+');
    expect(statement.where).toBeDefined();
  });

  it('accepts SELECT *, nested paths, array indexes, CASE, cast and SELECT VALUE', () => {
    expect(() =>
      parseRuleSql(
        'SELECT *, state.reported.t AS t, readings[0].v AS first, cast(t AS String) AS s, ' +
          "CASE color WHEN 'red' THEN 1 ELSE 0 END AS isRed FROM 'a/#' WHERE NOT (a = 1 OR b <> 2) AND c >= -3.5",
      ),
    ).not.toThrow();
    expect(parseRuleSql("SELECT VALUE arr FROM 't'").selectValue).toMatchObject({
      kind: 'field',
      name: 'arr',
    });
  });

  it('treats a field named value as a field, not SELECT VALUE', () => {
    expect(parseRuleSql("SELECT value FROM 't'").select[0]).toMatchObject({ kind: 'named', name: 'value' });
  });

  it('lets a rule used only through Basic Ingest omit FROM (iot-basic-ingest.html)', () => {
    expect(parseRuleSql('SELECT * WHERE t > 1').topicFilter).toBeUndefined();
  });

  it('names the position of an unknown function and lists the ones it runs', () => {
    const error = refusal("SELECT temp, aws_lambda('arn', *) AS r FROM 't'");
    expect(error).toBeInstanceOf(UnsupportedRuleSqlError);
    expect(error.code).toBe('UNSUPPORTED_RULE_SQL');
    expect(error.position).toEqual({ offset: 13 });
    expect(error.message).toMatch(/unknown function aws_lambda\(\).*encode/);
    expect(error.message).toContain(`\n  ${' '.repeat(13)}^`);
  });

  it('points out that function names are case-sensitive', () => {
    expect(refusal("SELECT Timestamp() AS t FROM 't'").message).toMatch(/did you mean timestamp\(\)/);
  });

  it('checks the number of arguments a function takes', () => {
    const error = refusal("SELECT topic(1, 2) AS t FROM 't'");
    expect(error).toBeInstanceOf(InvalidRuleSqlError);
    expect(error.message).toMatch(/topic\(\) takes 0 to 1 argument/);
  });

  it.each([
    ["SELECT a FROM 't' WHERE a IN (1, 2)", 'the IN operator', 26],
    ["SELECT a FROM 't' WHERE a != 1", 'not equal', 26],
    ["SELECT a FROM 't' -- note", 'no comments', 18],
    ["SELECT a + 1 FROM 't'", 'name this expression with AS', 7],
    ["SELECT CASE WHEN a > 1 THEN 1 END AS x FROM 't'", 'CASE WHEN <condition>', 12],
    ["SELECT lower(*) AS x FROM 't'", '* stands for the whole payload', 13],
    ["SELECT cast(a AS Long) AS x FROM 't'", 'supported types are Int, Decimal, Boolean, String', 17],
  ])('refuses %s as unsupported, at its position', (sql, reason, offset) => {
    const error = refusal(sql);
    expect(error).toBeInstanceOf(UnsupportedRuleSqlError);
    expect(error.message).toContain(reason);
    expect(error.position.offset).toBe(offset);
  });

  it.each([
    ["SELECT a FROM 't", 'unterminated string', 14],
    ['SELECT a FROM t', 'FROM takes a topic filter in quotes', 14],
    ["SELECT a FROM 'a/b#'", 'is not an MQTT topic filter', 15],
    ["SELECT a FROM 'a/#/b'", 'is not an MQTT topic filter', 15],
    ["SELECT a, FROM 't'", 'unexpected FROM', 10],
    ["SELECT (a AS x FROM 't'", 'expected ")"', 10],
    ["SELECT a FROM 't' WHERE", 'ends where an expression was expected', 23],
    ["SELECT a FROM 't' extra", 'unexpected "extra"', 18],
    ["SELECT a ; FROM 't'", 'unexpected character ";"', 9],
    ['FROM a', 'expected SELECT', 0],
  ])('refuses %s as invalid, at its position', (sql, reason, offset) => {
    const error = refusal(sql);
    expect(error).toBeInstanceOf(InvalidRuleSqlError);
    expect(error.code).toBe('INVALID_RULE_SQL');
    expect(error.message).toContain(reason);
    expect(error.position.offset).toBe(offset);
  });
});
