export { applyPatch } from './apply.ts';
export type { MemberChange, PatchResult } from './types.ts';
