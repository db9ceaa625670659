/** Local data of an app in IndexedDB (`idb`): settings, the bundles in force, and the scanner's outbox. */
import type { CheckinEntry } from '@greenlight/codec';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

export interface StoredBundle {
  kind: string;
  /** The signed file as fetched; verified again on every start, never trusted from storage alone. */
  bytes: Uint8Array;
  etag: string;
  version: number;
  issuedAt: string;
  /** Last time the server confirmed this is current (200 or 304). */
  checkedAt: string;
}

/** A check-in entry waiting in the scanner's outbox, with its upload bookkeeping. */
export type OutboxEntry = CheckinEntry & {
  attempts: number;
  /** Epoch milliseconds before which the entry is not sent again (backoff). */
  nextAttemptAt: number;
};

interface GreenlightDb extends DBSchema {
  settings: { key: string; value: unknown };
  bundles: { key: string; value: StoredBundle };
  outbox: { key: string; value: OutboxEntry; indexes: { nextAttemptAt: number } };
}

export type AppDb = IDBPDatabase<GreenlightDb>;

export function openAppDb(app: 'scanner' | 'wallet' | 'desk'): Promise<AppDb> {
  return openDB<GreenlightDb>(`greenlight-${app}`, 1, {
    upgrade(db) {
      db.createObjectStore('settings');
      db.createObjectStore('bundles', { keyPath: 'kind' });
      db.createObjectStore('outbox', { keyPath: 'eventId' }).createIndex('nextAttemptAt', 'nextAttemptAt');
    },
  });
}
