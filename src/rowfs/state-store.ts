import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { RowfsStateError } from './errors.js';

/** The first vid handed out: cookies 1 and 2 are "." and ".." of READDIR, so vids stay clear of them. */
export const FIRST_VID = 1000;
const DB_FILE = 'rowfs.sqlite';
const SYNC_KEY = 'last-sync';

/** One row of the handle table: a virtual object and where its data lives. */
export interface HandleRow {
  vid: number;
  session: number;
  parentVid: number;
  name: string;
  type: number;
  mainFh: Buffer | null;
  shadowFh: Buffer | null;
  dead: boolean;
  mainLimit: number;
  bitmap: Buffer | null;
}

export interface SessionRow {
  id: number;
  key: string;
  rootVid: number;
  blockSize: number;
  /** Name of the session's directory under the shadow export's "sessions" directory. */
  shadowDir: string;
}

export interface NameRow {
  parentVid: number;
  name: string;
}

export interface OverlayRow extends NameRow {
  vid: number;
}

interface RawHandleRow {
  vid: number;
  session: number;
  parent_vid: number;
  name: string;
  type: number;
  main_fh: Buffer | null;
  shadow_fh: Buffer | null;
  dead: number;
  main_limit: number;
  bitmap: Buffer | null;
}

interface RawSessionRow {
  id: number;
  key: string;
  root_vid: number;
  block_size: number;
  shadow_dir: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  root_vid INTEGER NOT NULL DEFAULT 0,
  block_size INTEGER NOT NULL,
  shadow_dir TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS handles (
  vid INTEGER PRIMARY KEY AUTOINCREMENT,
  session INTEGER NOT NULL,
  parent_vid INTEGER NOT NULL,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  main_fh BLOB,
  shadow_fh BLOB,
  dead INTEGER NOT NULL DEFAULT 0,
  main_limit INTEGER NOT NULL DEFAULT 0,
  bitmap BLOB
);
CREATE UNIQUE INDEX IF NOT EXISTS handles_by_name ON handles(session, parent_vid, name) WHERE dead = 0;
CREATE TABLE IF NOT EXISTS whiteouts (
  session INTEGER NOT NULL, parent_vid INTEGER NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY (session, parent_vid, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS overlay (
  session INTEGER NOT NULL, parent_vid INTEGER NOT NULL, name TEXT NOT NULL, vid INTEGER NOT NULL,
  PRIMARY KEY (session, parent_vid, name)
) WITHOUT ROWID;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'handles', ${FIRST_VID - 1} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'handles');
`;

function toHandleRow(raw: RawHandleRow): HandleRow {
  return {
    vid: raw.vid,
    session: raw.session,
    parentVid: raw.parent_vid,
    name: raw.name,
    type: raw.type,
    mainFh: raw.main_fh,
    shadowFh: raw.shadow_fh,
    dead: raw.dead !== 0,
    mainLimit: raw.main_limit,
    bitmap: raw.bitmap,
  };
}

function toSessionRow(raw: RawSessionRow): SessionRow {
  return { id: raw.id, key: raw.key, rootVid: raw.root_vid, blockSize: raw.block_size, shadowDir: raw.shadow_dir };
}

/**
 * The proxy's durable session state in SQLite (WAL): sessions, the handle table (with
 * presence bitmaps), whiteouts and overlay names. Writes are ordinary commits
 * (synchronous=NORMAL: they survive a killed process, the WAL is in the kernel's hands);
 * `durably` commits with synchronous=FULL (fsync) for what acknowledges a stable write.
 * better-sqlite3 is synchronous, so a check-then-insert cannot interleave with other calls.
 */
export class StateStore {
  private readonly db: SqliteDatabase;
  private syncedChanges = -1;
  private readonly statements: {
    totalChanges: Statement;
    metaGet: Statement;
    metaSet: Statement;
    sessionByKey: Statement;
    sessionById: Statement;
    sessionInsert: Statement;
    sessionSetRoot: Statement;
    sessionCount: Statement;
    handle: Statement;
    handleAt: Statement;
    handlesIn: Statement;
    handleInsert: Statement;
    handleSetParent: Statement;
    handleSetMainFh: Statement;
    handleSetShadow: Statement;
    handleSetBitmap: Statement;
    handleSetLimit: Statement;
    handleMove: Statement;
    handleKill: Statement;
    whiteoutAdd: Statement;
    whiteoutDelete: Statement;
    whiteoutsOf: Statement;
    overlaySet: Statement;
    overlayDelete: Statement;
    overlaysOf: Statement;
  };

  constructor(stateDir: string) {
    try {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      this.db = new Database(join(stateDir, DB_FILE));
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
    } catch (error) {
      throw new RowfsStateError(`cannot open the proxy state in ${stateDir}`, { cause: error });
    }
    const db = this.db;
    this.statements = {
      totalChanges: db.prepare('SELECT total_changes() AS n'),
      metaGet: db.prepare('SELECT value FROM meta WHERE key = ?'),
      metaSet: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      sessionByKey: db.prepare('SELECT id, key, root_vid, block_size, shadow_dir FROM sessions WHERE key = ?'),
      sessionById: db.prepare('SELECT id, key, root_vid, block_size, shadow_dir FROM sessions WHERE id = ?'),
      sessionInsert: db.prepare('INSERT INTO sessions (key, block_size, shadow_dir, created) VALUES (?, ?, ?, ?)'),
      sessionSetRoot: db.prepare('UPDATE sessions SET root_vid = ? WHERE id = ?'),
      sessionCount: db.prepare('SELECT count(*) AS n FROM sessions'),
      handle: db.prepare('SELECT * FROM handles WHERE vid = ?'),
      handleAt: db.prepare('SELECT * FROM handles WHERE session = ? AND parent_vid = ? AND name = ? AND dead = 0'),
      handlesIn: db.prepare('SELECT * FROM handles WHERE session = ? AND parent_vid = ? AND dead = 0'),
      handleInsert: db.prepare(
        'INSERT INTO handles (session, parent_vid, name, type, main_fh, shadow_fh, main_limit) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      handleSetParent: db.prepare('UPDATE handles SET parent_vid = ? WHERE vid = ?'),
      handleSetMainFh: db.prepare('UPDATE handles SET main_fh = ? WHERE vid = ?'),
      handleSetShadow: db.prepare('UPDATE handles SET shadow_fh = ?, main_limit = ?, bitmap = ? WHERE vid = ?'),
      handleSetBitmap: db.prepare('UPDATE handles SET bitmap = ? WHERE vid = ?'),
      handleSetLimit: db.prepare('UPDATE handles SET main_limit = ?, bitmap = ? WHERE vid = ?'),
      handleMove: db.prepare('UPDATE handles SET parent_vid = ?, name = ? WHERE vid = ?'),
      handleKill: db.prepare('UPDATE handles SET dead = 1 WHERE vid = ?'),
      whiteoutAdd: db.prepare('INSERT OR IGNORE INTO whiteouts (session, parent_vid, name) VALUES (?, ?, ?)'),
      whiteoutDelete: db.prepare('DELETE FROM whiteouts WHERE session = ? AND parent_vid = ? AND name = ?'),
      whiteoutsOf: db.prepare('SELECT parent_vid, name FROM whiteouts WHERE session = ?'),
      overlaySet: db.prepare('INSERT OR REPLACE INTO overlay (session, parent_vid, name, vid) VALUES (?, ?, ?, ?)'),
      overlayDelete: db.prepare('DELETE FROM overlay WHERE session = ? AND parent_vid = ? AND name = ?'),
      overlaysOf: db.prepare('SELECT parent_vid, name, vid FROM overlay WHERE session = ?'),
    };
  }

  /** Runs `work` in one transaction (atomic; durable against a killed process). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Runs `work` in one transaction that is on disk (fsync) when this returns, with every commit before it. */
  durably<T>(work: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(work)();
    } finally {
      this.db.pragma('synchronous = NORMAL');
      this.syncedChanges = this.totalChanges();
    }
  }

  private totalChanges(): number {
    return (this.statements.totalChanges.get() as { n: number }).n;
  }

  /**
   * Makes every earlier commit durable, if any is not yet: an fsync of the WAL covers all
   * commits before it, so a stable WRITE acknowledged after this never outlives the record
   * of the file it wrote (its CREATE or copy-up).
   */
  syncIfDirty(): void {
    if (this.totalChanges() === this.syncedChanges) return;
    this.durably(() => this.setMetaValue(SYNC_KEY, Buffer.from(String(Date.now()))));
  }

  metaValue(key: string): Buffer | undefined {
    const row = this.statements.metaGet.get(key) as { value: Buffer } | undefined;
    return row?.value;
  }

  setMetaValue(key: string, value: Buffer): void {
    this.statements.metaSet.run(key, value);
  }

  sessionByKey(key: string): SessionRow | undefined {
    const raw = this.statements.sessionByKey.get(key) as RawSessionRow | undefined;
    return raw === undefined ? undefined : toSessionRow(raw);
  }

  sessionById(id: number): SessionRow | undefined {
    const raw = this.statements.sessionById.get(id) as RawSessionRow | undefined;
    return raw === undefined ? undefined : toSessionRow(raw);
  }

  sessionCount(): number {
    return (this.statements.sessionCount.get() as { n: number }).n;
  }

  /** A new session with its root directory row (its own parent). */
  createSession(key: string, blockSize: number, shadowDir: string, rootMainFh: Buffer, rootType: number): SessionRow {
    return this.durably(() => {
      const id = Number(this.statements.sessionInsert.run(key, blockSize, shadowDir, Date.now()).lastInsertRowid);
      const rootVid = Number(this.statements.handleInsert.run(id, 0, '', rootType, rootMainFh, null, 0).lastInsertRowid);
      this.statements.handleSetParent.run(rootVid, rootVid);
      this.statements.sessionSetRoot.run(rootVid, id);
      return { id, key, rootVid, blockSize, shadowDir };
    });
  }

  handle(vid: number): HandleRow | undefined {
    const raw = this.statements.handle.get(vid) as RawHandleRow | undefined;
    return raw === undefined ? undefined : toHandleRow(raw);
  }

  /** The live object whose primary name is `name` in directory `parentVid`. */
  handleAt(session: number, parentVid: number, name: string): HandleRow | undefined {
    const raw = this.statements.handleAt.get(session, parentVid, name) as RawHandleRow | undefined;
    return raw === undefined ? undefined : toHandleRow(raw);
  }

  handlesIn(session: number, parentVid: number): HandleRow[] {
    return (this.statements.handlesIn.all(session, parentVid) as RawHandleRow[]).map(toHandleRow);
  }

  insertHandle(row: Omit<HandleRow, 'vid' | 'dead' | 'bitmap'>): number {
    const result = this.statements.handleInsert.run(
      row.session,
      row.parentVid,
      row.name,
      row.type,
      row.mainFh,
      row.shadowFh,
      row.mainLimit,
    );
    return Number(result.lastInsertRowid);
  }

  setMainFh(vid: number, mainFh: Buffer): void {
    this.statements.handleSetMainFh.run(mainFh, vid);
  }

  setShadow(vid: number, shadowFh: Buffer, mainLimit: number, bitmap: Buffer | null): void {
    this.statements.handleSetShadow.run(shadowFh, mainLimit, bitmap, vid);
  }

  setBitmap(vid: number, bitmap: Buffer | null): void {
    this.statements.handleSetBitmap.run(bitmap, vid);
  }

  setMainLimit(vid: number, mainLimit: number, bitmap: Buffer | null): void {
    this.statements.handleSetLimit.run(mainLimit, bitmap, vid);
  }

  moveHandle(vid: number, parentVid: number, name: string): void {
    this.statements.handleMove.run(parentVid, name, vid);
  }

  killHandle(vid: number): void {
    this.statements.handleKill.run(vid);
  }

  addWhiteout(session: number, parentVid: number, name: string): void {
    this.statements.whiteoutAdd.run(session, parentVid, name);
  }

  deleteWhiteout(session: number, parentVid: number, name: string): void {
    this.statements.whiteoutDelete.run(session, parentVid, name);
  }

  whiteoutsOf(session: number): NameRow[] {
    return (this.statements.whiteoutsOf.all(session) as { parent_vid: number; name: string }[]).map((raw) => ({
      parentVid: raw.parent_vid,
      name: raw.name,
    }));
  }

  setOverlay(session: number, parentVid: number, name: string, vid: number): void {
    this.statements.overlaySet.run(session, parentVid, name, vid);
  }

  deleteOverlay(session: number, parentVid: number, name: string): void {
    this.statements.overlayDelete.run(session, parentVid, name);
  }

  overlaysOf(session: number): OverlayRow[] {
    return (this.statements.overlaysOf.all(session) as { parent_vid: number; name: string; vid: number }[]).map((raw) => ({
      parentVid: raw.parent_vid,
      name: raw.name,
      vid: raw.vid,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
