// CPU: a keyed fingerprint of the event log (hashing every event, then stretching the digest).
import { createHash, pbkdf2Sync } from 'node:crypto';
import type { Event } from './types';

export function fingerprintEvents(events: Event[]): string {
  let digest = Buffer.alloc(0);
  for (const event of events) {
    const hash = createHash('sha256');
    hash.update(digest);
    hash.update(`${event.at}|${event.kind}|${event.user}|${event.message}`);
    digest = hash.digest();
  }
  return pbkdf2Sync(digest, 'codelets-example', 20_000, 32, 'sha256').toString('hex');
}
