// The one error type of the management plane (CLI, admin API, UI). Mapped to exit codes and HTTP once each.
export type AdminErrorKind = 'invalid' | 'notFound' | 'conflict';

export class AdminError extends Error {
  constructor(
    readonly kind: AdminErrorKind,
    message: string,
    /** The input field at fault, when one is (`email`, `timezone`, a custom field's name), for forms to show
     *  the message beside it (the admin API's `fields`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}
