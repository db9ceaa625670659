/**
 * The exit of a command that works on the server's database (keys, registry): its own module, so that commands
 * that never touch the server (verify, rules) do not load it.
 */
import { isServerError } from '@greenlight/server';
import { isUsageError } from './usage.ts';

/** Prints a usage or server error and gives exit code 2; anything else is a bug and is thrown again. */
export function exitForError(command: string, usage: string, error: unknown): number {
  if (isUsageError(error)) {
    console.error(`greenlight ${command}: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (isServerError(error)) {
    console.error(`greenlight ${command}: ${error.code}: ${error.message}`);
    return 2;
  }
  throw error;
}
