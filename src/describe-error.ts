// An error as one line for an operator (start-up failures, CLI errors): the cause in words, never a stack.

/** pg reports a refused connection to every address of a host as an AggregateError without a message of
 *  its own, so its parts are described instead. */
export function describeError(e: unknown): string {
  if (e instanceof AggregateError && !e.message) return [...new Set(e.errors.map(describeError))].join('; ');
  if (e instanceof Error) return e.message || (e as NodeJS.ErrnoException).code || e.name;
  return String(e);
}
