import {
  buildSchema,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { depthLimitRule, LIST_FACTOR, operationCost, socketValidation } from './query-limits';

const schema = buildSchema(`
  type Observable { type: String! value: String! }
  type Alert { id: ID! title: String! observables: [Observable!]! case: Case }
  type Case { id: ID! alerts: [Alert!]! }
  type AlertEdge { cursor: String! node: Alert! }
  type AlertConnection { edges: [AlertEdge!]! totalCount: Int! }
  type Query { alerts(first: Int! = 50): AlertConnection! alert(id: ID!): Alert! }
`);

const limits = { maxComplexity: 10_000, maxPageSize: 200 };

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const op = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION,
  ) as OperationDefinitionNode;
  return operationCost(schema, document, op, variables, limits);
}

function depthErrors(query: string, max: number): readonly GraphQLError[] {
  return validate(schema, parse(query), [...specifiedRules, depthLimitRule(max)]);
}

describe('GraphQL query limits', () => {
  it('counts a connection page by its first argument, its default or its variable', () => {
    // edges(1) + node(1) + id(1) + title(1) = 4 per item, plus the connection field itself.
    expect(cost('{ alerts(first: 10) { edges { node { id title } } } }')).toBe(1 + 10 * 4);
    expect(cost('{ alerts { edges { node { id title } } } }')).toBe(1 + 50 * 4);
    expect(cost('query($n: Int!) { alerts(first: $n) { edges { node { id } } } }', { n: 3 })).toBe(1 + 3 * 3);
  });

  it('counts other lists as LIST_FACTOR items, and every alias again', () => {
    expect(cost('{ alert(id: "1") { observables { value } } }')).toBe(1 + (1 + LIST_FACTOR * 1));
    const one = cost('{ alert(id: "1") { id } }');
    expect(cost('{ a: alert(id: "1") { id } b: alert(id: "2") { id } c: alert(id: "3") { id } }')).toBe(
      3 * one,
    );
  });

  it('follows fragments', () => {
    expect(cost('{ alert(id: "1") { ...F } } fragment F on Alert { id title }')).toBe(
      cost('{ alert(id: "1") { id title } }'),
    );
  });

  it('refuses a page above the cap, however it is given', () => {
    expect(() => cost('{ alerts(first: 201) { totalCount } }')).toThrow(/at most 200 items per page/);
    expect(() => cost('query($n: Int!) { alerts(first: $n) { totalCount } }', { n: 10_000 })).toThrow(
      /at most 200/,
    );
  });

  it('makes nested lists expensive quickly', () => {
    const nested = cost(
      `{ alerts(first: 200) { edges { node { case { alerts { case { alerts { observables { value } } } } } } } } }`,
    );
    expect(nested).toBeGreaterThan(limits.maxComplexity);
  });

  it('limits depth, following fragments and ignoring introspection', () => {
    expect(depthErrors('{ alert(id: "1") { case { alerts { id } } } }', 4)).toEqual([]);
    const errors = depthErrors('{ alert(id: "1") { case { alerts { case { id } } } } }', 4);
    expect(errors.map((e) => e.message)).toEqual(['query too deep: 5 levels of fields, at most 4']);
    expect(
      depthErrors('{ alert(id: "1") { ...A } } fragment A on Alert { case { alerts { case { id } } } }', 4),
    ).toHaveLength(1);
    expect(
      depthErrors('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', 2),
    ).toEqual([]);
  });
});

describe('the WebSocket transport’s validation', () => {
  const check = socketValidation({ ...limits, maxDepth: 4, introspection: false });
  const messages = (query: string) => check(schema, parse(query)).map((e) => e.message);

  it('applies graphql’s own rules, the depth and cost limits, and no introspection', () => {
    expect(messages('{ alert(id: "1") { id } }')).toEqual([]);
    expect(messages('{ nope }')).toEqual(['Cannot query field "nope" on type "Query".']);
    expect(messages('{ alert(id: "1") { case { alerts { case { id } } } } }')).toEqual([
      'query too deep: 5 levels of fields, at most 4',
    ]);
    expect(messages('{ alerts(first: 201) { totalCount } }')).toEqual([
      'alerts(first: 201): at most 200 items per page',
    ]);
    expect(messages('{ __schema { types { name } } }')[0]).toMatch(/introspection has been disabled/);
  });
});
