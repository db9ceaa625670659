/** Venue device credentials `<deviceId>.<secret>`: creation and verification (cached for a minute). */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';

export interface VenueDevice {
  deviceId: string;
  venueId: string;
}

const CREDENTIAL = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 20_000;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Creates a device of `venueId`; the credential is returned once and only its hash is stored. */
export async function createVenueDevice(
  db: Db,
  venueId: string,
): Promise<VenueDevice & { credential: string }> {
  const deviceId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await db.query('INSERT INTO venue_devices (id, venue_id, secret_hash) VALUES ($1, $2, $3)', [
    deviceId,
    venueId,
    sha256Hex(secret),
  ]);
  return { deviceId, venueId, credential: `${deviceId}.${secret}` };
}

export function unauthorized(message: string): ServerError {
  return new ServerError('ERR_DEVICE_UNAUTHORIZED', message);
}

export class DeviceAuthenticator {
  private readonly cache = new Map<string, VenueDevice & { until: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The device of an `Authorization` header value; throws ERR_DEVICE_UNAUTHORIZED. */
  async authenticate(header: string | undefined): Promise<VenueDevice> {
    const match = header === undefined ? null : /^Bearer (\S+)$/.exec(header);
    const credential = match?.[1];
    if (!credential)
      throw unauthorized('a device credential is required: Authorization: Bearer <deviceId>.<secret>');
    const now = this.clock();
    const cached = this.cache.get(credential);
    if (cached && cached.until > now) return { deviceId: cached.deviceId, venueId: cached.venueId };
    const parts = CREDENTIAL.exec(credential);
    if (!parts) throw unauthorized('malformed device credential');
    const [, deviceId, secret] = parts as unknown as [string, string, string];
    const { rows } = await this.db.query<{ venue_id: string; secret_hash: string }>(
      'SELECT venue_id, secret_hash FROM venue_devices WHERE id = $1 AND revoked_at IS NULL',
      [deviceId],
    );
    const row = rows[0];
    const given = Buffer.from(sha256Hex(secret), 'hex');
    if (!row || !timingSafeEqual(given, Buffer.from(row.secret_hash, 'hex'))) {
      throw unauthorized('unknown or revoked device credential');
    }
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(credential, { deviceId, venueId: row.venue_id, until: now + CACHE_TTL_MS });
    return { deviceId, venueId: row.venue_id };
  }
}
