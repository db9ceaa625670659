/**
 * The server under test for `npm run bench:issuance`, in its own process: the real app (publication, holders)
 * on a prepared database, plus one bench-only route that hands the load generator the one-time codes the
 * development sender would print. Reads DATABASE_URL (or GREENLIGHT_DATA_DIR) and PORT; prints "ready <url>".
 */
import { buildApp } from '../src/app.ts';
import { MemoryQuotaCounter } from '../src/auth/quota.ts';
import { readConfig } from '../src/config.ts';
import { openDb } from '../src/db/open.ts';
import type { OtpSender } from '../src/holders/otp.ts';
import { KeyStore } from '../src/keys/store.ts';
import { CheckinTokens } from '../src/tokens/index.ts';

const SECRET = process.env.BENCH_SECRET ?? 'bench-secret-bench-secret-bench-secret-0';
const db = await openDb({
  databaseUrl: process.env.DATABASE_URL,
  dataDir: process.env.GREENLIGHT_DATA_DIR,
  poolSize: Number(process.env.PG_POOL_SIZE ?? 10), // the server's default (PG_POOL_SIZE)
});
const codes = new Map<string, string>();
const sender: OtpSender = {
  async send(contact, code) {
    codes.set(contact, code);
  },
};
const app = await buildApp({
  db,
  logger: false,
  checkinTokens: new CheckinTokens(readConfig({ GREENLIGHT_KEY_SECRET: SECRET }).checkinTokenSecret),
  authority: {
    keys: new KeyStore(db, { secret: SECRET }),
    secret: SECRET,
    shcIssuer: 'https://greenlight.localhost',
    otpSender: sender,
    quota: new MemoryQuotaCounter(),
  },
});
app.get('/bench/otp/:contact', async (request) => ({
  code: codes.get((request.params as { contact: string }).contact),
}));
const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`ready ${url}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
