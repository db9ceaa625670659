/** `greenlight` command dispatcher: each command lives in its own module under commands/. */

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

/** Lazily loaded so that `greenlight verify` never pays for the server's imports. */
const commands: Record<string, () => Promise<Command>> = {
  admin: async () => (await import('./commands/admin.ts')).admin,
  conformance: async () => (await import('./commands/conformance.ts')).conformance,
  demo: async () => (await import('./commands/demo.ts')).demo,
  keys: async () => (await import('./commands/keys.ts')).keys,
  registry: async () => (await import('./commands/registry.ts')).registry,
  rules: async () => (await import('./commands/rules.ts')).rules,
  serve: async () => (await import('./commands/serve.ts')).serve,
  surge: async () => (await import('./commands/surge.ts')).surge,
  verify: async () => (await import('./commands/verify.ts')).verify,
};

export function helpText(): string {
  const lines = ['Usage: greenlight <command> [options]', '', 'Commands:'];
  for (const name of Object.keys(commands).sort()) lines.push(`  ${name}`);
  lines.push('', 'Run `greenlight <command> --help` for the options of a command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(helpText());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`greenlight: unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}
