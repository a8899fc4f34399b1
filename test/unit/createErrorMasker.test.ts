import { GraphQLError } from 'graphql';
import { createErrorMasker } from '../../lib/http/createErrorMasker';
import { createLogger } from '../../lib/logger';

describe('error masker', () => {
  const mask = createErrorMasker(createLogger('test', 'silent'), 'Internal error in the test');

  it('keeps errors raised on purpose, without stack traces or service names', () => {
    const error = new GraphQLError('first must be between 1 and 1000', { extensions: { code: 'BAD_USER_INPUT' } });
    expect(mask({ message: error.message, extensions: { code: 'BAD_USER_INPUT', stacktrace: ['at x'], serviceName: 'regions' } }, error)).toEqual({
      message: 'first must be between 1 and 1000',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('keeps an error a resolver raised on purpose, as graphql-js wraps it', () => {
    const thrown = new GraphQLError('first must be between 1 and 1000', { extensions: { code: 'BAD_USER_INPUT' } });
    const wrapped = new GraphQLError(thrown.message, { path: ['auditEvents'], originalError: thrown, extensions: thrown.extensions });
    expect(mask({ message: thrown.message, path: ['auditEvents'], extensions: { code: 'BAD_USER_INPUT' } }, wrapped)).toEqual({
      message: 'first must be between 1 and 1000',
      path: ['auditEvents'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('keeps an error relayed from a subgraph (its original is the subgraph\'s JSON, not an Error)', () => {
    const relayed = { message: 'Region LON is unavailable', path: ['patient'], extensions: { code: 'REGION_UNAVAILABLE' } };
    const error = new GraphQLError(relayed.message, { path: ['patient'], originalError: relayed as unknown as Error, extensions: relayed.extensions });
    expect(mask({ message: relayed.message, path: ['patient'], extensions: { code: 'REGION_UNAVAILABLE', serviceName: 'regions' } }, error)).toEqual({
      message: 'Region LON is unavailable',
      path: ['patient'],
      extensions: { code: 'REGION_UNAVAILABLE' },
    });
  });

  it('replaces an unexpected error from a resolver, keeping its path', () => {
    const error = new GraphQLError('relation "study" does not exist', { path: ['patient'], originalError: new Error('relation "study" does not exist') });
    expect(mask({ message: error.message, path: ['patient'] }, error)).toEqual({ message: 'Internal error in the test', path: ['patient'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('replaces an unexpected error Apollo wrapped without a path (context, plugins)', () => {
    const error = new GraphQLError('connect ECONNREFUSED 10.0.0.5:5432', { originalError: new Error('connect ECONNREFUSED 10.0.0.5:5432') });
    expect(mask({ message: error.message }, error)).toEqual({ message: 'Internal error in the test', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
