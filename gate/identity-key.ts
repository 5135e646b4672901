/**
 * The gate's static X25519 identity key, kept in a file: 32 raw bytes, or their base64 on one
 * line. A missing file is created with a fresh key (mode 0600), so a development gate keeps its
 * identity across restarts and clients that cached its public key still connect.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { X25519KeyPair } from '../engine/protocol/crypto-suite.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';

/**
 * Loads the key at `path`, creating it when the file does not exist.
 * @throws Error when the file exists but does not hold a 32-byte key.
 */
export function loadIdentityKey(path: string): X25519KeyPair {
  let text: Buffer;
  try {
    if (statSync(path).size > 1024) throw new Error(`gate identity key ${path}: larger than 1 KiB`);
    text = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const pair = nodeCryptoSuite.generateKeyPair();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${Buffer.from(pair.privateKey).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return pair;
  }
  const raw = text.length === 32 ? text : Buffer.from(text.toString('utf8').trim(), 'base64');
  if (raw.length !== 32) throw new Error(`gate identity key ${path}: expected 32 bytes or their base64`);
  return nodeCryptoSuite.keyPairOf(raw);
}
