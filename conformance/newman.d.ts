// newman 6 ships no type declarations; conformance/run.ts uses run() and its event emitter only.
declare module 'newman' {
  import type { EventEmitter } from 'node:events';
  export interface NewmanRunOptions {
    collection: unknown;
    environment?: unknown;
    reporters?: string[];
    timeoutRequest?: number;
    [option: string]: unknown;
  }
  export function run(options: NewmanRunOptions, callback?: (err: Error | null, summary: unknown) => void): EventEmitter;
  const newman: { run: typeof run };
  export default newman;
}
