/** Thrown by {@link withDeadline} when the work did not finish in time. */
export class DeadlineExceededError extends Error {}

/**
 * The work's result, or a DeadlineExceededError after `ms`. The work itself is not stopped
 * (give it its own server-side bound too); this bounds how long the caller waits.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
