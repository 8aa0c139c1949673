import { hyperdht } from './lazy-modules.js';
import { formatImageRef } from './image-ref.js';

/**
 * DHT keys of the three tables (002_eb6434fc5d94cfdc.txt Section 3, architecture.md "DHT
 * tables"). Every key includes the publisher's public key: an appliance name is only unique per
 * publisher, and nobody else can answer for it.
 */
export interface ImageVersion {
  publisherKey: Buffer;
  name: string;
  version: number;
}

/**
 * hyperdht answers a lookup with at most 20 records per node (persistent.js onlookup), so one
 * topic cannot list 100 gateways exactly. The users table is split into this many topics by the
 * gateway key's first byte; counting looks them all up. Changing it splits the network in two.
 */
export const USERS_SHARDS = 16;

const SEPARATOR = Buffer.from([0]);

function tag(label: string): Buffer {
  return Buffer.from(`rowboot/${label}/1`, 'utf8');
}

function imagePart(image: ImageVersion): Buffer[] {
  return [image.publisherKey, Buffer.from(formatImageRef(image), 'utf8')];
}

/** Tweak namespace for the publisher's "latest version of A" record. */
export function latestNamespace(publisherKey: Buffer, name: string): Buffer {
  return Buffer.concat([tag('latest'), SEPARATOR, publisherKey, Buffer.from(name, 'utf8')]);
}

/** Tweak namespace for an image server's "I hold A@vN at this mount path" record. */
export function serverNamespace(image: ImageVersion): Buffer {
  return Buffer.concat([tag('server'), SEPARATOR, ...imagePart(image)]);
}

/** Tweak namespace for a gateway's "I use A@vN until T" record. */
export function userNamespace(image: ImageVersion): Buffer {
  return Buffer.concat([tag('user'), SEPARATOR, ...imagePart(image)]);
}

/** topic = hash(A@vN, "servers") */
export function serversTopic(image: ImageVersion): Buffer {
  return hyperdht().hash(Buffer.concat([tag('servers'), SEPARATOR, ...imagePart(image)]));
}

/** topic = hash(A@vN, "users", shard) */
export function usersTopic(image: ImageVersion, shard: number): Buffer {
  return hyperdht().hash(Buffer.concat([tag('users'), SEPARATOR, ...imagePart(image), SEPARATOR, Buffer.from([shard])]));
}

export function usersShardOf(gatewayKey: Buffer): number {
  return (gatewayKey[0] ?? 0) % USERS_SHARDS;
}
