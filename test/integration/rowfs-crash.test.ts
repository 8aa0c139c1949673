/**
 * ROW-FS proxy crash durability (issue 3): a client does FILE_SYNC writes with known
 * content (partial blocks of a main file, so fills from main are involved, and a new
 * file) while the proxy process is SIGKILLed at random moments; after each restart on the
 * same state every acknowledged write reads back intact, bytes never written still hold
 * main's data, and old handles still work.
 */
import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StableHow } from '../../src/nfs/index.js';
import { treeDigest } from '../helpers/tree-digest.js';
import type { ProxyClient } from './rowfs-fixture.js';
import { connectClient, lookupPath, noAttrs, ok, pattern, readAll } from './rowfs-fixture.js';

const CHILD = fileURLToPath(new URL('./rowfs-proxy-child.js', import.meta.url));
const BLOCK = 4096;
const MAIN_BYTES = 2 * 1024 * 1024;
const SLOT = 9000;
const CRASHES = 12;
const IN_FLIGHT = 4;

interface Region {
  file: 'main' | 'new';
  offset: number;
  data: Buffer;
}

function startChild(env: Record<string, unknown>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, ROWFS_CHILD: JSON.stringify(env) }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /ready (\d+)/.exec(text);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code, signal) => reject(new Error(`proxy child exited (${code ?? signal}) before it was ready`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('rowfs crash durability', () => {
  const base = mkdtempSync(join(tmpdir(), 'rowboot-rowfs-crash-'));
  let current: ChildProcess | undefined;
  after(async () => {
    if (current !== undefined) await killHard(current);
    rmSync(base, { recursive: true, force: true });
  });

  test(`every acknowledged FILE_SYNC write survives ${CRASHES} SIGKILLs of the proxy`, async () => {
    const mainDir = join(base, 'main');
    mkdirSync(mainDir);
    const mainData = pattern(MAIN_BYTES, 77);
    writeFileSync(join(mainDir, 'image.bin'), mainData);
    mkdirSync(join(base, 'shadow'));
    const digest = treeDigest(mainDir);
    const env = {
      mainDir,
      mainState: join(base, 'main-state'),
      shadowDir: join(base, 'shadow'),
      shadowState: join(base, 'shadow-state'),
      stateDir: join(base, 'state'),
      port: 0,
      blockSize: BLOCK,
    };
    let started = await startChild(env);
    current = started.child;
    env.port = started.port;
    let client: ProxyClient = await connectClient(env.port, mainDir, '127.0.0.1', false);
    const mainFile = await lookupPath(client.nfs, client.root, 'image.bin');
    const created = ok(await client.nfs.create({ where: { dir: client.root, name: 'new.bin' }, how: { mode: 'guarded', attributes: noAttrs } })).obj;
    assert.ok(created);
    const newFile = created;
    const acked: Region[] = [];
    const attempted: Region[] = [];
    let slot = 0;
    for (let round = 0; round < CRASHES; round++) {
      let stop = false;
      const writer = async (): Promise<void> => {
        while (!stop) {
          const index = slot++;
          const region: Region = {
            file: index % 3 === 2 ? 'new' : 'main',
            offset: index * SLOT + (index * 797) % 3000,
            data: pattern(1 + ((index * 1237) % 5000), 5000 + index),
          };
          if (region.file === 'main' && region.offset + region.data.length > MAIN_BYTES) {
            stop = true;
            return;
          }
          attempted.push(region);
          const fh = region.file === 'main' ? mainFile : newFile;
          try {
            const result = await client.nfs.write({ file: fh, offset: region.offset, count: region.data.length, stable: StableHow.FILE_SYNC, data: region.data });
            if (result.status === 0) acked.push(region);
          } catch {
            return; // the proxy died under this call: unacknowledged.
          }
        }
      };
      const writers = Array.from({ length: IN_FLIGHT }, () => writer());
      await new Promise((resolve) => setTimeout(resolve, 30 + Math.random() * 250));
      await killHard(started.child);
      stop = true;
      await Promise.all(writers);
      await client.close();
      started = await startChild(env);
      current = started.child;
      client = await connectClient(env.port, mainDir, '127.0.0.1', false);
    }
    assert.ok(acked.length > CRASHES * 5, `only ${acked.length} writes were acknowledged`);
    // Old handles work after the last restart; every acknowledged write reads back.
    const imageNow = await readAll(client.nfs, mainFile, 256 * 1024);
    const newNow = await readAll(client.nfs, newFile, 256 * 1024);
    const touched = new Uint8Array(MAIN_BYTES);
    for (const region of attempted) if (region.file === 'main') touched.fill(1, region.offset, region.offset + region.data.length);
    for (const region of acked) {
      const now = region.file === 'main' ? imageNow : newNow;
      assert.deepEqual(now.subarray(region.offset, region.offset + region.data.length), region.data, `${region.file} write at ${region.offset} lost`);
    }
    assert.equal(imageNow.length, MAIN_BYTES);
    for (let offset = 0; offset < MAIN_BYTES; offset++) {
      if (touched[offset] === 0 && imageNow[offset] !== mainData[offset]) assert.fail(`byte ${offset} never written differs from main`);
    }
    await client.close();
    assert.equal(treeDigest(mainDir), digest);
    assert.deepEqual(readFileSync(join(mainDir, 'image.bin')), mainData);
  });
});
