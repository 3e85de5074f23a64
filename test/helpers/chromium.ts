// Debian's chromium, driven by playwright-core, for the tests that load the report and the viewer in
// a browser (never `npx playwright install`: it downloads a browser, which this project's machines
// cannot reach). BREAKFIX_CHROMIUM names another binary.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.BREAKFIX_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser is there: the browser tests skip (and say so) where it is not. */
export const hasChromium = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}
