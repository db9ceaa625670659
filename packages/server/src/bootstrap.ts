/**
 * What runs before the server listens: migrations, the keys, the demo seed of an empty registry (with demo staff
 * tokens and venue device credentials in development only) and bulk issuance. Also the migrated database of the
 * CLI commands.
 */
import type { Logger } from 'pino';
import { createVenueDevice } from './auth/devices.ts';
import { createStaffToken } from './auth/staff.ts';
import type { ServerConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openDb } from './db/open.ts';
import type { Db } from './db/types.ts';
import { runIssuance } from './issuance/job.ts';
import { KeyStore } from './keys/store.ts';
import { isRegistryEmpty, type SeedResult, seedDemo } from './seed/seed.ts';
import { allVenues } from './venues/directory.ts';

/** What the seed made, for the console; the partner secret only when `withCredentials` (development). */
export function describeSeed(seed: SeedResult, withCredentials = true): string {
  const lines = [
    `Seeded a demo registry: ${seed.people} people, ${seed.immunizations} doses, ${seed.venues} venues.`,
    'Demo holder logins (one-time code by phone; in development the code is printed on this console):',
    ...seed.demoHolders.map(
      (holder) => `  ${holder.phone}  ${holder.name} (${holder.externalId}): ${holder.shows}`,
    ),
  ];
  if (withCredentials) {
    lines.push(
      'Demo partner client (OAuth 2.0 client credentials; the secret is shown only now):',
      `  client_id=${seed.partner.clientId}`,
      `  client_secret=${seed.partner.clientSecret}`,
    );
  } else {
    lines.push(
      'Production mode: no credential is printed and no demo staff token or venue device was made.',
      'Create the first administrator with `greenlight admin bootstrap`.',
    );
  }
  return lines.join('\n');
}

/** The demo staff tokens and one device credential per venue, printed once (they are stored as hashes). */
async function seedDemoAccess(db: Db, print: (text: string) => void): Promise<void> {
  const desk = await createStaffToken(db, { login: 'demo-desk', role: 'staff' });
  const investigator = await createStaffToken(db, { login: 'demo-investigator', role: 'investigator' });
  print(`Demo staff tokens (shown only now): desk ${desk}\n  investigator ${investigator}`);
  const lines = ['Demo venue device credentials for the scanner (shown only now):'];
  for (const venue of await allVenues(db)) {
    const device = await createVenueDevice(db, venue.id);
    lines.push(`  ${venue.name} (${venue.category}): ${device.credential}`);
  }
  print(lines.join('\n'));
}

/**
 * Migrates, creates missing keys, seeds an empty registry when `config.seed`, and signs every certificate ahead
 * of time. Returns the key store. Throws what a step throws (ERR_MIGRATION, ERR_KEY_DECRYPT, …); the caller
 * closes the database.
 */
export async function bootstrap(
  db: Db,
  config: ServerConfig,
  logger: Logger,
  print: (text: string) => void,
): Promise<KeyStore> {
  const keyStore = new KeyStore(db, { secret: config.keySecret });
  const applied = await migrate(db);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const keys = await keyStore.ensure();
  for (const key of keys) logger.info({ kind: key.kind, kid: key.kid }, 'key created');
  if (config.seed && (await isRegistryEmpty(db))) {
    print(describeSeed(await seedDemo(db), config.printCredentials));
    // Demo access is only worth making where its credentials can be shown: never in production.
    if (config.printCredentials) await seedDemoAccess(db, print);
  }
  // Bulk issuance before serving: every certificate is signed ahead of time, so downloads are reads.
  const issued = await runIssuance(db, keyStore, { shcIssuer: config.shcIssuer });
  logger.info(
    {
      signed: issued.signed,
      unchanged: issued.unchanged,
      failed: issued.failed.length,
      perSecond: Math.round(issued.certificatesPerSecond),
    },
    'bulk issuance done',
  );
  return keyStore;
}

/** The database named by the config, migrated: for CLI commands that work on the registry or the keys. */
export async function openConfiguredDb(config: ServerConfig): Promise<Db> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
