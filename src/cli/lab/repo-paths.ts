import { fileURLToPath } from 'node:url';

/**
 * Where the lab finds what is not TypeScript. It runs compiled, from
 * <root>/dist/src/cli/lab/*.js: the image recipes are in <root>/images, the `row` entry
 * point it starts servers with is dist/src/cli/row.js.
 */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const rowEntry = fileURLToPath(new URL('../row.js', import.meta.url));
