/** Gives every route plugin `app.db` and closes the database with the app when the app owns it. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/types.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export interface DbPluginOptions {
  db: Db;
  /** Close the database on `app.close()` (the server's own; tests that share one pass false). */
  closeWithApp: boolean;
}

async function db(app: FastifyInstance, options: DbPluginOptions): Promise<void> {
  app.decorate('db', options.db);
  if (options.closeWithApp) app.addHook('onClose', () => options.db.close());
}

/** Not encapsulated (fastify-plugin): the decorations are visible to the sibling route plugins. */
export const dbPlugin = fp(db, { name: 'greenlight-db' });
