import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileLogic, logicSource } from './logic.compiler';
import { LogicException, LogicExceptionCode } from './logic.exception';
import { interpretLogic } from './logic.interpreter';

/** The shared conformance suite sits beside the repository: <repo>/../shared/conformance. */
const SUITE = join(__dirname, '../../../../..', 'shared/conformance/jsonlogic-tests.json');

type Case = [rule: unknown, data: unknown, expected: unknown];

function loadSuite(): Case[] {
  const cases = (JSON.parse(readFileSync(SUITE, 'utf8')) as unknown[]).filter((entry): entry is Case => Array.isArray(entry));
  return cases;
}

describe(compileLogic.name, () => {
  describe('the JSON Logic conformance suite', () => {
    const cases = loadSuite();

    it('has all 280 cases', () => {
      expect(cases).toHaveLength(280);
    });

    it.each(cases.map((entry, index) => [index, ...entry] as const))('case %i: %j on %j', (_index, rule, data, expected) => {
      expect(compileLogic(rule)(data)).toStrictEqual(expected);
    });

    it.each(cases.map((entry, index) => [index, ...entry] as const))('case %i through the interpreter: %j', (_index, rule, data, expected) => {
      expect(interpretLogic(rule, data)).toStrictEqual(expected);
    });
  });

  describe('semantics', () => {
    it('keeps -0 and reads numeric indexes', () => {
      expect(Object.is(compileLogic({ '-': [0] })({}), -0)).toBe(true);
      expect(compileLogic({ var: 1 })(['a', 'b'])).toBe('b');
      expect(compileLogic({ var: 'list.1' })({ list: [3, 4] })).toBe(4);
    });

    it('returns the default only when a step is undefined, not when the value is null', () => {
      const rule = compileLogic({ var: ['a.b', 5] });
      expect(rule({ a: { b: null } })).toBeNull();
      expect(rule({ a: {} })).toBe(5);
      expect(rule({ a: null })).toBe(5);
    });

    it('throws where json-logic-js throws', () => {
      expect(() => compileLogic({ '*': [] })({})).toThrow(TypeError);
      expect(() => compileLogic({ missing_some: [1, null] })({})).toThrow(TypeError);
    });

    it('never pastes strings from the rule into the generated source', () => {
      const hostile = '"]; throw new Error("pwned"); //';
      const source = logicSource({ '==': [{ var: `a.${hostile}` }, hostile] });
      expect(source).toContain(JSON.stringify(hostile));
      expect(compileLogic({ '==': [{ var: hostile }, hostile] })({ [hostile]: hostile })).toBe(true);
    });
  });

  describe('validation', () => {
    it('rejects an unknown operator, naming its path and the closest operator', () => {
      const compile = () => compileLogic({ and: [true, { '=': [1, 1] }] });
      expect(compile).toThrow(LogicException);
      expect(compile).toThrow('unknown operator "="; did you mean "=="?');
      expect(compile).toThrow(/at and\[1\]$/);
    });

    it('rejects operators json-logic-js would only fail on when reached', () => {
      expect(() => compileLogic({ or: [true, { 'var.prototype.constructor': 'a' }] })).toThrow('unknown operator');
      expect(() => compileLogic({ log: 'a' })).toThrow('unknown operator "log"');
    });

    it('rejects a rule nested too deep', () => {
      let rule: unknown = true;
      for (let i = 0; i < 40; i += 1) rule = { '!': rule };
      expect(() => compileLogic(rule)).toThrow(expect.objectContaining({ code: LogicExceptionCode.TooDeep }));
    });

    it('rejects a rule with too many nodes', () => {
      const rule = { and: Array.from({ length: 50 }, (_, i) => ({ '==': [{ var: 'a' }, i] })) };
      expect(() => compileLogic(rule, { limits: { maxDepth: 32, maxNodes: 100 } })).toThrow(
        expect.objectContaining({ code: LogicExceptionCode.TooLarge, message: expect.stringContaining('more than 100 nodes') }),
      );
    });

    it('rejects values that are not JSON', () => {
      expect(() => compileLogic({ '==': [Number.NaN, 1] })).toThrow(expect.objectContaining({ code: LogicExceptionCode.NotJson }));
      expect(() => compileLogic({ '==': [() => 1, 1] })).toThrow(expect.objectContaining({ code: LogicExceptionCode.NotJson }));
    });

    it('accepts objects with several keys as data, as json-logic-js does', () => {
      const data = { a: 1, b: 2 };
      expect(compileLogic(data)({})).toBe(data);
    });
  });
});
