import type { GraphQLFormattedError } from 'graphql';

interface ExecutionResultLike {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<unknown>;
  extensions?: Record<string, unknown>;
}

/**
 * Puts the answer back in the shape the patient asked for: `key: { imagingHistory: H }`
 * becomes `key: H`, and error paths lose the `imagingHistory` step, so a region's
 * failure points at the patient's own field.
 */
export function reshapeMyHistoryResult<T extends ExecutionResultLike>(result: T, responseKeys: readonly string[]): T {
  const keys = new Set(responseKeys);
  const data = result.data
    ? Object.fromEntries(
        Object.entries(result.data).map(([key, value]) => {
          if (!keys.has(key)) return [key, value];
          const history = value && typeof value === 'object' ? (value as Record<string, unknown>).imagingHistory : null;
          return [key, history ?? null];
        }),
      )
    : result.data;
  const errors = result.errors?.map((error) => {
    const path = (error as GraphQLFormattedError).path;
    if (!path || !keys.has(String(path[0])) || path[1] !== 'imagingHistory') return error;
    // A GraphQLError's path is read-only; the gateway's errors here are plain objects or GraphQLErrors alike.
    return Object.assign(Object.create(Object.getPrototypeOf(error) as object) as object, error, { path: [path[0], ...path.slice(2)] });
  });
  return { ...result, data, ...(errors ? { errors } : {}) };
}
