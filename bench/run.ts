/**
 * `npm run bench`: measures Parley's speed targets on the production build in a real Chromium and
 * prints each figure beside its budget. Not part of `npm test`: timings depend on the machine, so
 * they are reported, never asserted in the test suite. Exits 1 when a figure is over budget.
 *
 * One module per case in bench/cases/ (each says what it measures); shared helpers in support.ts.
 * The build is served as it is, without compression (gzip sizes are computed from the files).
 *
 * Environment:
 * - BENCH_ONLY=id,id runs only those cases (and the cases they start from, see `after`);
 *   BENCH_SKIP=id,id leaves cases out. Ids: see CASES below.
 * - PARLEY_BENCH_DIST (default dist) and PARLEY_BENCH_PORT (default 4199): which build to serve
 *   and where, so two runs can share a machine.
 */
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { startTestServer } from '../tests/support/server';
import { coldStart } from './cases/cold-start';
import { coldVisit } from './cases/cold-visit';
import { firstLoad } from './cases/first-load';
import { history } from './cases/history';
import { importExport } from './cases/import';
import { openLong } from './cases/open-long';
import { search } from './cases/search';
import { streaming, streamingMath } from './cases/streaming';
import { tokenEstimate } from './cases/token-estimate';
import { usageDialog } from './cases/usage-dialog';
import { versionSwitch } from './cases/version-switch';
import { connect, type BenchCase, type Figure } from './support';

/** In the order they run: a case may start from the state an earlier one left (`after`). */
const CASES: readonly BenchCase[] = [
  firstLoad,
  coldVisit,
  streaming,
  streamingMath,
  openLong,
  tokenEstimate,
  usageDialog,
  versionSwitch,
  coldStart,
  search,
  importExport,
  history,
];

const PORT = Number(process.env.PARLEY_BENCH_PORT ?? 4199);
const DIST = process.env.PARLEY_BENCH_DIST ?? 'dist';
const APP_URL = `http://127.0.0.1:${String(PORT)}/parley/`;

function idList(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  return value.split(',').map((id) => id.trim());
}

/** The cases to run, in CASES order, with every case a chosen one starts from. */
function selected(): BenchCase[] {
  const only = idList(process.env.BENCH_ONLY);
  const skip = new Set(idList(process.env.BENCH_SKIP) ?? []);
  const known = new Set(CASES.map((c) => c.id));
  for (const id of [...(only ?? []), ...skip]) {
    if (!known.has(id)) throw new Error(`No bench case "${id}". Cases: ${[...known].join(', ')}`);
  }
  const chosen = new Set(only ?? CASES.map((c) => c.id));
  for (const id of skip) chosen.delete(id);
  // Close over `after`: a chosen case brings the cases it starts from.
  for (const c of [...CASES].reverse()) {
    if (chosen.has(c.id)) for (const id of c.after ?? []) chosen.add(id);
  }
  return CASES.filter((c) => chosen.has(c.id));
}

function printTable(figures: readonly Figure[]): boolean {
  let isOver = false;
  console.log('\nfigure'.padEnd(72) + 'value'.padStart(12) + 'budget'.padStart(14));
  for (const f of figures) {
    const ok = f.kind === 'max' ? f.value <= f.budget : f.value >= f.budget;
    isOver ||= !ok;
    const sign = f.kind === 'max' ? '≤' : '≥';
    console.log(
      `${ok ? 'ok  ' : 'OVER'} ${f.name.padEnd(66)} ${f.value.toFixed(1).padStart(8)} ${f.unit.padEnd(3)} ${sign} ${String(f.budget).padStart(5)} ${f.unit}`,
    );
  }
  return isOver;
}

async function main(): Promise<void> {
  const cases = selected();
  const figures: Figure[] = [];
  const server = await startTestServer();
  const host = spawn(
    'node_modules/.bin/tsx',
    ['tests/support/serve-dist.ts', '--port', String(PORT), '--base', '/parley/', '--dir', DIST],
    { stdio: 'ignore' },
  );
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await connect(page, server, APP_URL);
    const context = {
      browser,
      page,
      server,
      appUrl: APP_URL,
      dist: DIST,
      record: (figure: Figure) => figures.push(figure),
    };
    for (const c of cases) {
      console.log(c.title);
      await c.run(context);
    }
  } finally {
    await browser.close();
    host.kill();
    await server.close();
  }
  process.exitCode = printTable(figures) ? 1 : 0;
}

await main();
