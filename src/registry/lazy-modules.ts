/**
 * hyperdht and sodium-universal load on first use, not at import. Loading sodium-native
 * changes V8's garbage collection for the whole process: measured here, a `row proxy` that
 * merely had it loaded ran ~25 full GCs per 256 MiB read instead of 2 and spent twice the
 * CPU per byte. The gateway and the proxy import this folder for its parsers and types; only
 * a process that really joins the DHT (`--image`, `row serve`, ...) should pay for it.
 * Both packages are CommonJS, so a synchronous require is the lazy load.
 */
import { createRequire } from 'node:module';
import type HyperDHTClass from 'hyperdht';
import type sodiumApi from 'sodium-universal';

const require = createRequire(import.meta.url);

export function hyperdht(): typeof HyperDHTClass {
  return require('hyperdht') as typeof HyperDHTClass;
}

export function sodium(): typeof sodiumApi {
  return require('sodium-universal') as typeof sodiumApi;
}
