/**
 * `greenlight admin bootstrap`: the first administrator of a deployment. The one place a credential is shown in
 * production: the new staff token goes once to this terminal and is stored only as a hash.
 */
import { parseArgs } from 'node:util';
import { bootstrapAdmin, openConfiguredDb, readConfigWithDbFlags } from '@greenlight/server';
import type { Command } from '../main.ts';
import { exitForError } from '../support/server-command.ts';
import { UsageError } from '../support/usage.ts';

const USAGE = `Usage:
  greenlight admin bootstrap [--login NAME] [--database-url URL] [--data-dir DIR]

bootstrap: creates the first administrator's staff token (role admin, login --login, default "admin") and prints
  it once on standard output; only its hash is stored, and the act is audited. Refuses (ERR_ADMIN_EXISTS) when
  the deployment has an administrator already. Reads NODE_ENV, GREENLIGHT_KEY_SECRET, DATABASE_URL and
  GREENLIGHT_DATA_DIR like the server, so a production deployment with a demo secret is refused here too.
Exit 0 on success, 2 for bad usage, an existing administrator or a database it cannot use.`;

const LOGIN = /^[A-Za-z0-9._@-]{1,64}$/;

export const admin: Command = {
  summary: 'create the first administrator of a deployment',
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      console.log(USAGE);
      return sub === undefined ? 2 : 0;
    }
    try {
      const { values } = parseArgs({
        args: rest,
        options: {
          login: { type: 'string', default: 'admin' },
          'database-url': { type: 'string' },
          'data-dir': { type: 'string' },
        },
      });
      if (sub !== 'bootstrap') throw new UsageError(`unknown subcommand '${sub}'`);
      if (!LOGIN.test(values.login)) {
        throw new UsageError('--login is 1 to 64 letters, digits, ".", "_", "@" or "-"');
      }
      const config = readConfigWithDbFlags(values);
      const db = await openConfiguredDb(config);
      try {
        const token = await bootstrapAdmin(db, values.login);
        console.error(
          `Administrator '${values.login}' created. Its staff token is shown only now; keep it safe (Authorization: Bearer …):`,
        );
        console.log(token);
        return 0;
      } finally {
        await db.close();
      }
    } catch (error) {
      return exitForError('admin', USAGE, error);
    }
  },
};
