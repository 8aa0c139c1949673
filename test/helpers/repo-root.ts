import { fileURLToPath } from 'node:url';

/**
 * The repository root. Tests run compiled, from <root>/dist/test/helpers/*.js, and read
 * non-TypeScript assets (shell scripts, the guest recipe) from the source tree.
 */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
