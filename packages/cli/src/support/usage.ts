/** What every command treats as bad usage (exit 2): one error class, and the JSON files commands are given. */
import { readFileSync } from 'node:fs';

/** Bad usage: a wrong flag value, a missing file, an input that is not what the command takes. */
export class UsageError extends Error {}

/** A `UsageError`, or `parseArgs` refusing the flags. */
export function isUsageError(error: unknown): boolean {
  return (
    error instanceof UsageError || !!(error as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS')
  );
}

/** A JSON file (`-` is standard input where `dashIsStdin`); a file that is not JSON is a `UsageError`. */
export function readJsonFile(file: string, what: string, options: { dashIsStdin?: boolean } = {}): unknown {
  const text = readFileSync(options.dashIsStdin && file === '-' ? 0 : file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} ${file} is not JSON`);
  }
}
