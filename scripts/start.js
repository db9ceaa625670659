// `npm start`: until the server lands, shows the CLI and verifies the demo credential.
import { spawnSync } from 'node:child_process';

const run = (args) =>
  spawnSync(process.execPath, ['packages/cli/bin/greenlight.js', ...args], { stdio: 'inherit' });
run(['--help']);
const demo = run(['demo']);
process.exitCode = demo.status ?? 1;
