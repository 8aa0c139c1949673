import { randomBytes } from 'node:crypto';
import { Ftype3 } from '../nfs/index.js';
import { Session } from './session.js';
import type { StateStore } from './state-store.js';

/** Characters kept from a session key in its shadow directory's name (for admins reading the shadow). */
function readableKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
}

/**
 * Sessions by key (the client's address by default) and by id. A session is created by
 * MNT only; NFS calls from a client with no session get STALE, so stray packets do not
 * create state.
 */
export class SessionRegistry {
  private readonly byKey = new Map<string, Session>();
  private readonly byId = new Map<number, Session>();

  constructor(
    private readonly store: StateStore,
    private readonly blockSize: number,
    private readonly mainRootFh: Buffer,
  ) {}

  get count(): number {
    return this.store.sessionCount();
  }

  private remember(session: Session): Session {
    this.byKey.set(session.key, session);
    this.byId.set(session.id, session);
    return session;
  }

  find(key: string): Session | undefined {
    const cached = this.byKey.get(key);
    if (cached !== undefined) return cached;
    const row = this.store.sessionByKey(key);
    return row === undefined ? undefined : this.remember(new Session(row, this.store));
  }

  findById(id: number): Session | undefined {
    const cached = this.byId.get(id);
    if (cached !== undefined) return cached;
    const row = this.store.sessionById(id);
    return row === undefined ? undefined : this.remember(new Session(row, this.store));
  }

  /** The session of `key`, created (durably, with its root row) on first use. */
  open(key: string): Session {
    const existing = this.find(key);
    if (existing !== undefined) return existing;
    // A random suffix: a proxy started with fresh state over an old shadow never reuses a directory.
    const shadowDir = `${readableKey(key)}-${randomBytes(6).toString('hex')}`;
    const row = this.store.createSession(key, this.blockSize, shadowDir, this.mainRootFh, Ftype3.NF3DIR);
    return this.remember(new Session(row, this.store));
  }
}
