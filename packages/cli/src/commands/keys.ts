/** `greenlight keys`: list the key store, and rotate the DSC or SHC issuer key (published before it signs). */
import { parseArgs } from 'node:util';
import { KeyStore, openConfiguredDb, readConfigWithDbFlags } from '@greenlight/server';
import type { Command } from '../main.ts';
import { exitForError } from '../support/server-command.ts';
import { UsageError } from '../support/usage.ts';

const USAGE = `Usage:
  greenlight keys list [--database-url URL] [--data-dir DIR] [--json]
  greenlight keys rotate [--kind dsc|shc] [--lead-hours 48] [--database-url URL] [--data-dir DIR]

rotate: makes a new DSC (signed by the CSCA, DCC extended key usages) or SHC issuer key. It is published at once
  and signs from now + --lead-hours (default 48), so verifiers have it before anything it signed exists. Creates
  the CSCA first when there is none. Private keys are encrypted with GREENLIGHT_KEY_SECRET.
Exit 0 on success, 2 for bad usage or a key store it cannot use.`;

export const keys: Command = {
  summary: 'list and rotate the signing keys',
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
          kind: { type: 'string', default: 'dsc' },
          'lead-hours': { type: 'string', default: '48' },
          'database-url': { type: 'string' },
          'data-dir': { type: 'string' },
          json: { type: 'boolean' },
        },
      });
      if (sub !== 'list' && sub !== 'rotate') throw new UsageError(`unknown subcommand '${sub}'`);
      const kind = values.kind;
      if (kind !== 'dsc' && kind !== 'shc') throw new UsageError('--kind is dsc or shc');
      const leadHours = Number(values['lead-hours']);
      if (!Number.isFinite(leadHours) || leadHours < 0) throw new UsageError('--lead-hours is a number >= 0');
      const config = readConfigWithDbFlags(values);
      if (config.keySecretIsDevDefault) {
        console.error('warning: GREENLIGHT_KEY_SECRET is not set; using the public development secret');
      }
      const db = await openConfiguredDb(config);
      try {
        const store = new KeyStore(db, { secret: config.keySecret, actor: 'cli' });
        if (sub === 'rotate') {
          if ((await store.list('csca')).length === 0) await store.ensure();
          const key = await store.rotate(kind, { leadHours });
          console.log(
            `New ${kind.toUpperCase()} ${key.kid}: published ${key.publishAt.toISOString()}, signs from ${key.signFrom.toISOString()}, expires ${key.notAfter.toISOString()}`,
          );
          return 0;
        }
        const all = await store.list();
        if (values.json) {
          console.log(
            JSON.stringify(
              all.map(({ certificate: _c, publicJwk: _j, ...rest }) => rest),
              null,
              2,
            ),
          );
        } else {
          for (const key of all) {
            const retired = key.retiredAt ? ` retired ${key.retiredAt.toISOString()}` : '';
            console.log(
              `${key.kind.padEnd(4)} ${key.kid.padEnd(44)} publish ${key.publishAt.toISOString()} sign ${key.signFrom.toISOString()} until ${key.notAfter.toISOString()}${retired}`,
            );
          }
        }
        return 0;
      } finally {
        await db.close();
      }
    } catch (error) {
      return exitForError('keys', USAGE, error);
    }
  },
};
