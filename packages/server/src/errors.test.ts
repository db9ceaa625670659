import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeOfStatus, ERRORS, ServerError, type ServerErrorCode } from './errors.ts';

/** The rows of the README's "Error codes" table: code → HTTP status. */
function documentedCodes(): Map<string, number> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Error codes'));
  const table = section.slice(section.indexOf('| code | HTTP status | meaning |'));
  const rows = new Map<string, number>();
  for (const line of table.split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [, code, status] = line.split('|').map((cell) => cell.trim());
    const name = /^`(ERR_[A-Z0-9_]+)`$/.exec(code ?? '')?.[1];
    if (!name) throw new Error(`not a code cell in the README error table: ${line}`);
    if (rows.has(name)) throw new Error(`${name} is documented twice`);
    rows.set(name, Number(status));
  }
  return rows;
}

describe('the error table', () => {
  const documented = documentedCodes();

  it('documents every code of errors.ts with the same HTTP status', () => {
    for (const [code, { status }] of Object.entries(ERRORS)) {
      expect(documented.get(code), code).toBe(status);
    }
  });

  it('documents no code that errors.ts does not have', () => {
    for (const code of documented.keys()) expect(Object.keys(ERRORS), code).toContain(code);
    expect(documented.size).toBe(Object.keys(ERRORS).length);
  });

  it('gives a ServerError the status and default message of its code', () => {
    for (const code of Object.keys(ERRORS) as ServerErrorCode[]) {
      const error = new ServerError(code);
      expect(error.statusCode).toBe(ERRORS[code].status);
      expect(error.message).toBe(ERRORS[code].message);
    }
    const error = new ServerError('ERR_OTP_LOCKED', 'locked for 15 minutes', { retryAfter: 900 });
    expect([error.code, error.statusCode, error.message, error.retryAfter]).toEqual([
      'ERR_OTP_LOCKED',
      429,
      'locked for 15 minutes',
      900,
    ]);
  });

  it('has no unknown codes: the compiler refuses one, and so does the constructor', () => {
    // @ts-expect-error ERR_NO_SUCH_CODE is not in the table
    expect(() => new ServerError('ERR_NO_SUCH_CODE')).toThrow(TypeError);
  });

  it('maps the statuses Fastify raises to their codes', () => {
    expect(codeOfStatus(404)).toBe('ERR_NOT_FOUND');
    expect(codeOfStatus(413)).toBe('ERR_PAYLOAD_TOO_LARGE');
    expect(codeOfStatus(415)).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(codeOfStatus(400)).toBe('ERR_BAD_REQUEST');
  });
});
