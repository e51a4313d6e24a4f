/**
 * Starts the test server from the command line, for `npm run dev:local` and for trying Parley
 * without a real key:
 *
 *   tsx tests/support/cli.ts [--port 8787] [--host 127.0.0.1] [--key sk-...]
 *
 * Prints the base URL and the accepted key (a test key, not a secret), then serves until SIGINT or
 * SIGTERM. Scripts may read the `Base URL:` and `API key:` lines.
 */
import { parseArgs } from 'node:util';
import { SCENARIO_NAMES } from './scenarios';
import { AZURE_API_VERSION, DEFAULT_DEPLOYMENTS, startTestServer, TEST_API_KEY } from './server';

const DEFAULT_PORT = 8787;

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      key: { type: 'string' },
    },
  });
  const apiKey = values.key ?? TEST_API_KEY;
  const server = await startTestServer({
    port: parsePort(values.port),
    host: values.host ?? '127.0.0.1',
    apiKey,
  });
  console.log('Parley test server (OpenAI-compatible) is running.');
  console.log(`Base URL: ${server.url}`);
  console.log(`API key: ${apiKey}`);
  console.log(
    `Azure OpenAI: endpoint ${server.origin}, API version ${AZURE_API_VERSION} (any dated one), deployments: ${Object.keys(DEFAULT_DEPLOYMENTS).join(', ')}`,
  );
  console.log(`Type "scenario:NAME" in a message to pick a scenario: ${SCENARIO_NAMES.join(', ')}`);

  const stop = (): void => {
    void server.close().then(() => {
      console.log('Parley test server stopped.');
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
