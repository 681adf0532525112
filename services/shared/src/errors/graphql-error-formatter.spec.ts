import { GraphQLError } from 'graphql';
import { DomainException, ValidationException } from './domain-exception';
import { ErrorCode } from './error-code';
import { flattenErrors, formatGraphQLError, statusFor } from './graphql-error-formatter';

enum WidgetReason {
  WIDGET_MISSING = 'WIDGET_MISSING',
}

class WidgetException extends DomainException<WidgetReason> {
  constructor() {
    super(ErrorCode.NOT_FOUND, WidgetReason.WIDGET_MISSING, 'No widget named "w".', { widget: 'w' });
  }
}

function wrapped(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['widget'], originalError: original });
}

function quietLog() {
  return { warn: jest.fn(), error: jest.fn() };
}

describe(formatGraphQLError.name, () => {
  it('maps a domain exception to its public code, reason, details and the request id', () => {
    const formatted = formatGraphQLError(wrapped(new WidgetException()), 'req-1', quietLog());
    expect(formatted).toMatchObject({
      message: 'No widget named "w".',
      path: ['widget'],
      extensions: { code: 'NOT_FOUND', reason: 'WIDGET_MISSING', widget: 'w', requestId: 'req-1' },
    });
  });

  it('carries every offending field path of a validation failure', () => {
    const error = new ValidationException([
      { path: 'input.name', message: 'must be a slug' },
      { path: 'input.environments[0].timezone', message: 'must be an IANA time zone' },
    ]);
    const formatted = formatGraphQLError(wrapped(error), 'req-2', quietLog());
    expect(formatted.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: error.fields });
    expect(formatted.message).toBe('Invalid input: input.name must be a slug; input.environments[0].timezone must be an IANA time zone');
  });

  it('masks an unexpected error as INTERNAL, logs it with the request id, and leaks no stack or message', () => {
    const log = quietLog();
    const formatted = formatGraphQLError(wrapped(new Error('relation "secret_table" does not exist')), 'req-3', log);
    expect(formatted.message).toBe('Internal error. Quote request id req-3 when reporting it.');
    expect(formatted.extensions).toEqual({ code: 'INTERNAL', requestId: 'req-3' });
    expect(JSON.stringify(formatted)).not.toContain('secret_table');
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ requestId: 'req-3' }), expect.any(String));
  });

  it('calls a query against the schema BAD_REQUEST and a wrongly typed variable VALIDATION_FAILED', () => {
    const unknownField = formatGraphQLError(new GraphQLError('Cannot query field "nope" on type "Query".'), 'r', quietLog());
    expect(unknownField.extensions?.code).toBe(ErrorCode.BAD_REQUEST);
    const badVariable = formatGraphQLError(new GraphQLError('Variable "$first" got invalid value "x"; Int cannot represent non-integer value: "x"'), 'r', quietLog());
    expect(badVariable.extensions?.code).toBe(ErrorCode.VALIDATION_FAILED);
  });
});

describe(flattenErrors.name, () => {
  it('expands a wrapper holding several validation errors into each of them', () => {
    const inner = [new GraphQLError('first'), new GraphQLError('second')];
    const wrapper = new GraphQLError('Graphql validation error', { originalError: Object.assign(new Error('wrapped'), { errors: inner }) });
    expect(flattenErrors([wrapper]).map((e) => e.message)).toEqual(['first', 'second']);
  });
});

describe(statusFor.name, () => {
  it('is 400 when the request was refused before execution, 200 once data exists, 500 for an internal error', () => {
    expect(statusFor({}, [{ message: 'x', extensions: { code: 'BAD_REQUEST' } }])).toBe(400);
    expect(statusFor({ data: { a: null } }, [{ message: 'x', extensions: { code: 'NOT_FOUND' } }])).toBe(200);
    expect(statusFor({}, [{ message: 'x', extensions: { code: 'INTERNAL' } }])).toBe(500);
  });
});
