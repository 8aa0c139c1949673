import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/unit; the sources live at <root>/src.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const srcDir = join(root, 'src');

/** What each folder may import (architecture.md "Layout": lower layers never import upper ones). */
const allowed: Record<string, readonly string[]> = {
  xdr: [],
  rpc: ['xdr'],
  nfs: ['xdr', 'rpc'],
  nfsd: ['xdr', 'rpc', 'nfs', 'metrics'],
  rowfs: ['xdr', 'rpc', 'nfs', 'metrics'],
  cache: ['xdr', 'rpc', 'nfs', 'metrics'],
  'boot/dhcp': ['metrics'],
  'boot/tftp': ['metrics'],
  registry: ['overlay', 'metrics'],
  overlay: ['metrics'],
  metrics: [],
  gateway: ['xdr', 'rpc', 'nfs', 'nfsd', 'rowfs', 'cache', 'boot/dhcp', 'boot/tftp', 'registry', 'overlay', 'metrics'],
  cli: ['xdr', 'rpc', 'nfs', 'nfsd', 'rowfs', 'cache', 'boot/dhcp', 'boot/tftp', 'registry', 'overlay', 'metrics', 'gateway'],
};

function folderOf(file: string): string {
  const parts = relative(srcDir, file).split(sep);
  return parts[0] === 'boot' ? `boot/${parts[1]}` : (parts[0] ?? '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('imports respect the layer order and go through index.ts', () => {
  const problems: string[] = [];
  for (const file of sourceFiles(srcDir)) {
    const from = folderOf(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const spec = match[1] ?? '';
      const target = join(file, '..', spec).replace(/\.js$/, '.ts');
      const to = folderOf(target);
      if (to === from) continue;
      if (!(allowed[from] ?? []).includes(to)) problems.push(`${relative(root, file)}: ${from} must not import ${to}`);
      if (!target.endsWith(`${sep}index.ts`)) problems.push(`${relative(root, file)}: import ${spec} bypasses ${to}/index.ts`);
    }
  }
  assert.deepEqual(problems, []);
});
