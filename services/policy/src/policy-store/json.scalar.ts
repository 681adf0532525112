import { GraphQLScalarType, Kind, valueFromASTUntyped } from 'graphql';

/** JSONScalar carries any JSON value (a policy document, an input document, a rule's logic) as is. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: object, array, string, number, boolean or null.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => (ast.kind === Kind.NULL ? null : valueFromASTUntyped(ast, variables)),
});
