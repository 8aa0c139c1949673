import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { GatewaySettings } from './config.js';
import { anchorSettingsPaths } from './config.js';
import { GatewayConfigError } from './errors.js';

/** Reads a JSON config file (an object whose keys are the flag names without `--`). */
export function loadGatewaySettings(file: string): GatewaySettings {
  const path = resolve(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new GatewayConfigError('config', `cannot read ${path} as JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayConfigError('config', `${path} must hold a JSON object`);
  }
  return anchorSettingsPaths(parsed as GatewaySettings, dirname(path));
}
