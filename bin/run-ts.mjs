// Runs a TypeScript entry point of this package through tsx, so neither `npm start` nor `npx roster` needs a
// build step. The loader is resolved from this package, not from the working directory (as
// `node --import tsx` would), so both work from any directory.
import { register } from 'tsx/esm/api';

/**
 * @param {string} entry path of the .ts entry point, relative to this folder
 * @param {string[]} dependencies packages to load natively before tsx hooks the module loader: through the
 *   hooks, kysely's 280 files alone add about half a second to every start.
 */
export async function runTypeScript(entry, dependencies) {
  await Promise.all(dependencies.map((name) => import(name)));
  register();
  await import(new URL(entry, import.meta.url).href);
}
