import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a service keeps its state (handle keys, sessions) when --state is not given:
 * $XDG_STATE_HOME/rowboot/<service>-<hash of what it serves>, so two exports never share keys.
 */
export function defaultStateDir(service: string, subject: string): string {
  const base = process.env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state');
  const tag = createHash('sha256').update(subject).digest('hex').slice(0, 12);
  return join(base, 'rowboot', `${service}-${tag}`);
}
