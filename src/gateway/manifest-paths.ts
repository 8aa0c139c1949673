/**
 * Every path of an image version, read from its manifest on the image server, for handles the
 * proxy kept from an earlier run (image-handles.ts names them by path, and a restarted gateway
 * has not seen those paths yet). The store keeps the manifest beside the tree
 * (`<A>/v<N>.manifest.json` next to `<A>/v<N>/`, src/registry/store/image-store.ts), so it is
 * one LOOKUP of ".." from the version's root away, on any holder. Its SHA-256 is checked
 * against the hash in A's signed latest record when the version is the latest.
 */
import { createHash } from 'node:crypto';
import { Nfsstat3, nfsstatName } from '../nfs/index.js';
import { decodeManifest, formatImageRef, formatPublicKey, type ImageVersion } from '../registry/index.js';
import type { RpcCallOptions } from '../rpc/index.js';
import { ImageServerError } from './errors.js';
import type { ServerLink } from './server-link.js';

const CHUNK_BYTES = 512 * 1024;

export interface ManifestExpectation {
  image: ImageVersion;
  /** SHA-256 (hex) from the publisher's latest record; undefined when the version is not the latest. */
  manifestHash: string | undefined;
}

export async function readManifestPaths(link: ServerLink, options: RpcCallOptions, expected: ManifestExpectation): Promise<string[]> {
  const { image } = expected;
  const name = `v${image.version}.manifest.json`;
  const fail = (what: string, status: number) => new ImageServerError(`server ${link.label}: ${what}: ${nfsstatName(status)}`);
  const parent = await link.nfs.lookup({ what: { dir: link.rootFh, name: '..' } }, options);
  if (parent.status !== Nfsstat3.NFS3_OK) throw fail(`LOOKUP .. of ${link.mountPath}`, parent.status);
  const file = await link.nfs.lookup({ what: { dir: parent.object, name } }, options);
  if (file.status !== Nfsstat3.NFS3_OK) throw fail(`LOOKUP ${name}`, file.status);
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const read = await link.nfs.read({ file: file.object, offset, count: CHUNK_BYTES }, options);
    if (read.status !== Nfsstat3.NFS3_OK) throw fail(`READ ${name}`, read.status);
    chunks.push(Buffer.from(read.data));
    offset += read.count;
    if (read.eof || read.count === 0) break;
  }
  link.noteProgress();
  const bytes = Buffer.concat(chunks);
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (expected.manifestHash !== undefined && hash !== expected.manifestHash) {
    throw new ImageServerError(`server ${link.label}: manifest of ${formatImageRef(image)} has SHA-256 ${hash}, the publisher signed ${expected.manifestHash}`);
  }
  let manifest;
  try {
    manifest = decodeManifest(bytes);
  } catch (cause) {
    throw new ImageServerError(`server ${link.label}: unreadable manifest of ${formatImageRef(image)}`, { cause });
  }
  if (manifest.name !== image.name || manifest.version !== image.version || manifest.publisher !== formatPublicKey(image.publisherKey)) {
    throw new ImageServerError(`server ${link.label}: manifest names ${manifest.name}@v${manifest.version} of ${manifest.publisher}`);
  }
  return ['', ...manifest.entries.map((entry) => entry.path)];
}
