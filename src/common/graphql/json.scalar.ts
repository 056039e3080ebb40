import GraphQLJSON from 'graphql-type-json';

/** Free-form JSON (raw vendor payloads, step inputs and outputs, connection settings). */
export const JSONScalar = GraphQLJSON;
