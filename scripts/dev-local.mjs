// `npm run dev:local`: Parley's dev server plus the project's OpenAI-compatible test server, so
// anyone can try the app without a real key. Both stop together on Ctrl+C.
import { spawn } from 'node:child_process';

const children = [
  spawn('node_modules/.bin/tsx', ['tests/support/cli.ts', '--port', '8787'], { stdio: 'inherit' }),
  spawn('node_modules/.bin/vite', ['--port', '5173'], { stdio: 'inherit' }),
];

function stop(code = 0) {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code);
}

for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());
