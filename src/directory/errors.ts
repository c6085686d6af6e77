// The one error type of the management plane (CLI now, admin API later). Mapped to exit codes / HTTP once.
export type AdminErrorKind = 'invalid' | 'notFound' | 'conflict';

export class AdminError extends Error {
  constructor(
    readonly kind: AdminErrorKind,
    message: string,
    /** The input field at fault, when one is: `email`, `timezone`, a custom field's name. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}
