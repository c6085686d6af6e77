// Who made an admin change, as the audit log records it.
export interface Actor {
  /** `cli`, `user:<email>` (a system user), `api-key:<name> (<id>)`, or `anonymous` (a failed sign-in). */
  actor: string;
  ip: string | null;
  userAgent: string | null;
}

export const CLI_ACTOR: Actor = { actor: 'cli', ip: null, userAgent: null };
