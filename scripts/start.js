// `npm start`: migrate, seed a demo registry on first start, and serve on http://localhost:8080 (see packages/server/README.md).
// Runs the CLI's `serve` in this process (through tsx, no build step), so Ctrl-C and SIGTERM reach it directly.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../packages/cli/src/main.ts', import.meta.url);
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
