/**
 * Serves the production build (dist/) under a sub-path, as a static host would: proves the
 * build works from https://example.com/parley/ and not only from the root.
 * Usage: tsx tests/support/serve-dist.ts [--port 4183] [--base /parley/] [--dir dist]
 */
import { parseArgs } from 'node:util';
import { startStaticHost } from './static-host';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4183' },
    base: { type: 'string', default: '/parley/' },
    dir: { type: 'string', default: 'dist' },
  },
});

try {
  const host = await startStaticHost({
    dir: values.dir,
    base: values.base,
    port: Number(values.port),
  });
  console.log(`Serving ${values.dir} at ${host.url}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
