// Debian's Chromium through playwright-core, for the demo's screenshots and the examples' browser tests
// (browser downloads are not possible on the build machines; `.ci/run` installs the system package).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Where Chromium is: `TIERDESK_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.TIERDESK_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches headless Chromium; fails with a clear message when it is not installed.
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` (CI does) or set TIERDESK_CHROMIUM.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}
