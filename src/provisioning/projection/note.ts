// What a SCIM write tells the job log about its effect on the directory.
export interface JobNote {
  targetUserId: string | null;
  userName: string | null;
  email: string | null;
  outcome: 'success' | 'warning';
  /** Sentences an admin can act on: what changed, then each warning. */
  detail: string;
}
