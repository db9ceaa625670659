/** Test support: the app with the authority's routes (publication, holders, desk, partners) on a test database. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { MemoryQuotaCounter } from '../src/auth/quota.ts';
import type { Db } from '../src/db/types.ts';
import { ConsoleOtpSender, type OtpSender } from '../src/holders/otp.ts';
import type { KeyStore } from '../src/keys/store.ts';
import { CheckinTokens } from '../src/tokens/index.ts';

export const TEST_SHC_ISSUER = 'https://greenlight.example';

export async function authorityApp(
  db: Db,
  options: {
    keys: KeyStore;
    secret: string;
    now: () => Date;
    otpSender?: OtpSender;
    tokenSecret?: string;
    /** Serve the built apps from this folder (browser tests). */
    appsDir?: string;
  },
): Promise<FastifyInstance> {
  const app = await buildApp({
    db,
    closeDb: false,
    logger: false,
    now: options.now,
    checkins: { ingestion: { retention: false }, outages: { probeIntervalMs: 0 } },
    checkinTokens: new CheckinTokens(options.tokenSecret ?? 'a check-in token master secret of 32+ bytes'),
    authority: {
      keys: options.keys,
      secret: options.secret,
      shcIssuer: TEST_SHC_ISSUER,
      otpSender: options.otpSender ?? new ConsoleOtpSender(() => undefined),
      quota: new MemoryQuotaCounter(),
    },
    ...(options.appsDir ? { appsDir: options.appsDir } : {}),
  });
  await app.ready();
  return app;
}
