/** Gives every route plugin `app.db` and closes the database with the app when the app owns it. */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/types';

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

export async function dbPlugin(app: FastifyInstance, options: DbPluginOptions): Promise<void> {
  app.decorate('db', options.db);
  if (options.closeWithApp) app.addHook('onClose', () => options.db.close());
}
// Not encapsulated: the decoration is visible to the sibling route plugins (what fastify-plugin does).
Object.assign(dbPlugin, { [Symbol.for('skip-override')]: true });
