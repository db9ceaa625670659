/** The console code sender: prints the code in development, never in production. */
import { describe, expect, it } from 'vitest';
import { ConsoleOtpSender } from './otp.ts';

describe('ConsoleOtpSender', () => {
  it('logs the code in development and keeps it for the demo', async () => {
    const lines: string[] = [];
    const sender = new ConsoleOtpSender((line) => lines.push(line));
    await sender.send('821010000001', '123456');
    expect(lines).toEqual(['one-time code for 821010000001: 123456']);
    expect(sender.codes.get('821010000001')).toBe('123456');
  });

  it('with showCodes false (production) logs neither the code nor the contact, and keeps nothing', async () => {
    const lines: string[] = [];
    const sender = new ConsoleOtpSender((line) => lines.push(line), { showCodes: false });
    await sender.send('821010000001', '654321');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/654321|821010000001/);
    expect(sender.codes.size).toBe(0);
  });
});
