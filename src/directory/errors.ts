// The one error type of the management plane (CLI, admin API, UI). Mapped to exit codes and HTTP once each.
export type AdminErrorKind = 'invalid' | 'notFound' | 'conflict';

export class AdminError extends Error {
  constructor(
    readonly kind: AdminErrorKind,
    message: string,
    /** For `invalid`: the input fields at fault and what is wrong with each, for forms to show beside them. */
    readonly fields?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}
