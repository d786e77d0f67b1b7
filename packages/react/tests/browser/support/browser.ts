import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium: browser downloads are not possible on the build machines, so the browser suites
 * drive the system package (`apt-get install chromium`, which `.ci/run` does) through playwright-core.
 */
export const CHROMIUM_PATH = process.env.TIERDESK_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium; fails with a clear message when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` (CI does) or set TIERDESK_CHROMIUM.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}

/** One axe violation, trimmed to what a failing test needs to show. */
export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** The WCAG 2.1 A/AA rule tags every browser suite checks. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the page (optionally within a selector) and returns its violations (WCAG 2.1 A/AA), plus
 * those of `extraRules`: rules outside those tags (best practices such as `heading-order`) that axe
 * runs in addition when they are enabled by name next to the tags.
 */
export async function axeViolations(
  page: Page,
  include?: string,
  extraRules: readonly string[] = [],
): Promise<AxeViolation[]> {
  let builder = new AxeBuilder({ page }).options({
    runOnly: { type: 'tag', values: WCAG_TAGS },
    rules: Object.fromEntries(extraRules.map((rule) => [rule, { enabled: true }])),
  });
  if (include !== undefined) builder = builder.include(include);
  const results = await builder.analyze();
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}
