/**
 * UUIDs as text: the canonical 8-4-4-4-12 hex form of RFC 9562 §4, in either case. It is what a PostgreSQL `uuid`
 * column takes without an error and what the routes' `Uuid()` schema accepts (`format: 'uuid'` alone also admits
 * `urn:uuid:…`). A domain function that looks up an id it did not validate checks it with `isUuid` first.
 */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

const UUID = new RegExp(`^${UUID_PATTERN}$`);

/** Whether `text` is a UUID in canonical form (see `UUID_PATTERN`). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
