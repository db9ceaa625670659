// `npm start`: the server is not built yet, so this shows the CLI and verifies a freshly signed demo certificate.
import { spawnSync } from 'node:child_process';

const cli = (args) =>
  spawnSync(process.execPath, ['packages/cli/bin/greenlight.js', ...args], { stdio: 'inherit' });
cli(['--help']);
console.log('');
process.exitCode = cli(['demo']).status ?? 1;
