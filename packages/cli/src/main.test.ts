import { afterEach, describe, expect, it, vi } from 'vitest';
import { helpText, main } from './main.ts';

describe('greenlight dispatcher', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 2 with the help text when no command is given', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main([])).toBe(2);
    expect(log).toHaveBeenCalledWith(helpText());
  });

  it('exits 2 and names an unknown command', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['frobnicate'])).toBe(2);
    expect(String(error.mock.calls[0]?.[0])).toContain("unknown command 'frobnicate'");
  });
});
