/**
 * Staff bearer tokens with explicit roles (administrator, investigator, inspector, staff, venue owner), stored as
 * SHA-256, and the bootstrap of a deployment's first administrator.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeAudit } from '../audit.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';

export type StaffRole = 'admin' | 'investigator' | 'inspector' | 'staff' | 'venue_owner';

export interface StaffMember {
  login: string;
  role: StaffRole;
  /** The venue of a venue owner. */
  venueId: string | null;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token (returned once). A venue owner needs `venueId`; the other roles must not have one. */
export async function createStaffToken(
  db: Db,
  member: { login: string; role: StaffRole; venueId?: string | null },
): Promise<string> {
  const token = `st_${randomBytes(32).toString('base64url')}`;
  await db.query('INSERT INTO staff_tokens (token_hash, login, role, venue_id) VALUES ($1, $2, $3, $4)', [
    hashToken(token),
    member.login,
    member.role,
    member.venueId ?? null,
  ]);
  return token;
}

/** The staff member of an `Authorization: Bearer` header, if one of `roles`; 401 or 403 otherwise. */
export async function authenticateStaff(
  db: Db,
  header: string | undefined,
  roles: readonly StaffRole[],
): Promise<StaffMember> {
  const token = header === undefined ? undefined : /^Bearer (st_[A-Za-z0-9_-]{43})$/.exec(header)?.[1];
  if (!token) {
    throw new ServerError('ERR_STAFF_UNAUTHORIZED', 'a staff token is required: Authorization: Bearer st_…');
  }
  const { rows } = await db.query<{ login: string; role: StaffRole; venue_id: string | null }>(
    'SELECT login, role, venue_id FROM staff_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) throw new ServerError('ERR_STAFF_UNAUTHORIZED', 'unknown or revoked staff token');
  if (!roles.includes(row.role)) {
    throw new ServerError('ERR_FORBIDDEN', `this needs the role ${roles.join(' or ')}`);
  }
  return { login: row.login, role: row.role, venueId: row.venue_id };
}

/**
 * The first administrator of a deployment: creates an `admin` staff token and returns it (shown once, stored as
 * SHA-256), with an audit entry `staff.admin.bootstrap`. Throws ERR_ADMIN_EXISTS (409) when an administrator
 * whose token is not revoked exists; two bootstraps at once make one administrator (the table is locked).
 */
export async function bootstrapAdmin(db: Db, login: string): Promise<string> {
  return db.transaction(async (tx) => {
    // SHARE ROW EXCLUSIVE conflicts with itself: a second bootstrap waits here and then sees the first admin.
    await tx.exec('LOCK TABLE staff_tokens IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await tx.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM staff_tokens WHERE role = 'admin' AND revoked_at IS NULL",
    );
    if ((rows[0]?.n ?? 0) > 0) throw new ServerError('ERR_ADMIN_EXISTS');
    const token = await createStaffToken(tx, { login, role: 'admin' });
    await writeAudit(tx, { actor: 'cli', action: 'staff.admin.bootstrap', subject: login });
    return token;
  });
}
