// Substitution templates in action fields (iot-substitution-templates.html).
import { describe, expect, it } from 'vitest';
import { InvalidRuleSqlError, UnsupportedRuleSqlError } from '../../src/core/iot-sql/errors.js';
import { parseTemplate, renderTemplate } from '../../src/core/iot-sql/substitution-template.js';
import { messageOf } from './message.js';

const render = (text: string, payload: object = {}) =>
  renderTemplate(parseTemplate(text), messageOf(payload));

describe('substitution templates', () => {
  it('substitutes functions and payload fields into the text around them', () => {
    expect(render('${topic(3)}')).toBe('pump-7');
    expect(render('alerts/${clientid()}/${newuuid()}')).toBe('alerts/pump-7/uuid-1');
    expect(render("${state.t}-${upper('x')}", { state: { t: 21 } })).toBe('21-X');
  });

  it('leaves text without templates as it is, including $$ for a reserved topic', () => {
    expect(render('$$aws/things/T/shadow/update')).toBe('$$aws/things/T/shadow/update');
  });

  it('renders an Undefined expression as an empty string and objects as JSON', () => {
    expect(render('a/${missing}/b')).toBe('a//b');
    expect(render('${obj}', { obj: { k: 1 } })).toBe('{"k":1}');
  });

  it("reads a '}' inside a string literal as part of the expression", () => {
    expect(render("${concat('a}', 'b')}")).toBe('a}b');
  });

  it('refuses an unknown function at its position within the template', () => {
    expect(() => parseTemplate('x/${nope()}')).toThrow(UnsupportedRuleSqlError);
    try {
      parseTemplate('x/${nope()}');
    } catch (error) {
      expect((error as UnsupportedRuleSqlError).position).toEqual({ offset: 4 });
    }
  });

  it('refuses an unterminated template', () => {
    expect(() => parseTemplate('x/${topic(3)')).toThrow(InvalidRuleSqlError);
  });
});
