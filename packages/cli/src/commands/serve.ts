/** `greenlight serve`: migrate, seed an empty registry, and serve the API until SIGINT or SIGTERM. */
import { parseArgs } from 'node:util';
import { closeOnSignals, isServerError, startServer } from '@greenlight/server';
import type { Command } from '../main.ts';

const USAGE = `Usage: greenlight serve [--port N] [--host ADDRESS] [--database-url URL] [--data-dir DIR] [--no-seed]

Migrates the database, creates the signing keys and a demo registry when they are missing, and serves the API
(http://localhost:8080 by default; docs at /docs). Flags override the environment: PORT, HOST, DATABASE_URL,
GREENLIGHT_DATA_DIR, GREENLIGHT_SEED=0; GREENLIGHT_KEY_SECRET and LOG_LEVEL come from the environment only
(see packages/server/README.md). With NODE_ENV=production (any case) it seeds only with GREENLIGHT_SEED=1, prints
no credential, and refuses the public development secret; make the first administrator with
\`greenlight admin bootstrap\`. Stops cleanly on Ctrl-C or SIGTERM.`;

export const serve: Command = {
  summary: 'run the authority server',
  async run(argv) {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          port: { type: 'string' },
          host: { type: 'string' },
          'database-url': { type: 'string' },
          'data-dir': { type: 'string' },
          'no-seed': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (error) {
      console.error(`greenlight serve: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const env = { ...process.env };
    if (typeof values.port === 'string') env.PORT = values.port;
    if (typeof values.host === 'string') env.HOST = values.host;
    if (typeof values['database-url'] === 'string') env.DATABASE_URL = values['database-url'];
    if (typeof values['data-dir'] === 'string') env.GREENLIGHT_DATA_DIR = values['data-dir'];
    if (values['no-seed']) env.GREENLIGHT_SEED = '0';
    try {
      const server = await startServer(env);
      return await new Promise<number>((resolve) => closeOnSignals(server, resolve));
    } catch (error) {
      if (isServerError(error)) {
        console.error(`greenlight serve: ${error.code}: ${error.message}`);
        return 2;
      }
      throw error;
    }
  },
};
