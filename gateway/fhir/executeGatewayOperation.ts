import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../GatewayContext';

export interface GraphQLResult<T> {
  data: T | null;
  errors: readonly GraphQLFormattedError[];
}

/** Runs one GraphQL operation for a FHIR request. */
export type ExecuteGraphQL = <T>(query: string, variables: Record<string, unknown>) => Promise<GraphQLResult<T>>;

/**
 * Runs operations through the gateway's own Apollo server with the context the HTTP path
 * built for this caller (verified user, purpose, request id, audit collector). Apollo
 * then applies the same plugins (limits, access rules, argument checks, audit, metrics)
 * and the same gateway, routing and fan-out as for a GraphQL request: there is no second
 * way to the regions.
 */
export function executeGatewayOperation(apollo: ApolloServer<GatewayContext>, contextValue: GatewayContext): ExecuteGraphQL {
  return async <T>(query: string, variables: Record<string, unknown>): Promise<GraphQLResult<T>> => {
    const response = await apollo.executeOperation<T & Record<string, unknown>>({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('the FHIR API never asks for incremental delivery');
    const { data, errors } = response.body.singleResult;
    return { data: (data ?? null) as T | null, errors: errors ?? [] };
  };
}
