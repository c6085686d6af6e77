// Who made an admin change, as the audit log records it.
export interface Actor {
  /** `cli` until admin accounts exist; later the system user or API key. */
  actor: string;
  ip: string | null;
  userAgent: string | null;
}

export const CLI_ACTOR: Actor = { actor: 'cli', ip: null, userAgent: null };
