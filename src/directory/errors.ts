// The one error type of the management plane (CLI now, admin API later). Mapped to exit codes / HTTP once.
export type AdminErrorKind = 'invalid' | 'notFound' | 'conflict';

export class AdminError extends Error {
  constructor(
    readonly kind: AdminErrorKind,
    message: string,
    /** invalid: a message per input field at fault, for the admin API's `fields`. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}
