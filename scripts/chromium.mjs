// Finds a Chromium for Playwright, which cannot download its own browser on machines without
// internet access. Order: $PARLEY_CHROMIUM (or $CHROME_PATH), Playwright's own cache, the system's.
// Run as a script (`node scripts/chromium.mjs`), it installs Debian's `chromium` package when none
// is found and it runs as root on Debian or Ubuntu; otherwise it says how to get one.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

function fromPlaywrightCache() {
  const root = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(root)) return undefined;
  const builds = readdirSync(root)
    .filter((name) => /^chromium-\d+$/.test(name))
    .sort()
    .reverse();
  for (const build of builds) {
    for (const sub of ['chrome-linux64/chrome', 'chrome-linux/chrome']) {
      const path = join(root, build, sub);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

/** @returns {string | undefined} */
export function findChromium() {
  const fromEnv = process.env.PARLEY_CHROMIUM || process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return fromPlaywrightCache() ?? SYSTEM_PATHS.find((path) => existsSync(path));
}

/** Flags every launch needs on a machine with a closed network (see README, Testing). */
export const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--no-first-run',
];

function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
  } catch {
    return false;
  }
}

function install() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !isDebianLike()) return false;
  console.log('No Chromium found: installing Debian’s chromium package…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let path = findChromium();
  if (!path && install()) path = findChromium();
  if (!path) {
    console.error(
      [
        'No Chromium found for the end-to-end tests.',
        'Install one (Debian/Ubuntu: `sudo apt-get install chromium`; elsewhere: Google Chrome or',
        '`npx playwright install chromium` where downloads are allowed), or point PARLEY_CHROMIUM',
        'at a Chromium or Chrome executable.',
      ].join('\n'),
    );
    process.exit(1);
  }
  console.log(`Chromium: ${path}`);
}
