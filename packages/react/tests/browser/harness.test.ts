import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium } from './support/browser';

// The browser harness itself: real Chromium starts, and axe finds violations when there are some
// (so a "0 violations" assertion elsewhere means something).
describe('browser harness (real Chromium + axe)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('reports no violation on an accessible page and the expected ones on a broken page', async () => {
    // @axe-core/playwright needs a page from an explicit context.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent(
      `<!doctype html><html lang="en"><head><title>ok</title></head><body><main><h1>Help</h1>
       <button type="button">Open support</button><label>Email <input type="email"></label></main></body></html>`,
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.setContent(
      `<!doctype html><html><head><title>broken</title></head><body><main><button></button>
       <input type="text"><img src="data:,"></main></body></html>`,
    );
    const ids = (await axeViolations(page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['button-name', 'image-alt', 'label', 'html-has-lang']));
    // heading-order is a best practice, not a WCAG tag: it runs only when asked for by name.
    await page.setContent(
      `<!doctype html><html lang="en"><head><title>skips</title></head><body><main><h1>Help</h1>
       <h3>Skipped a level</h3></main></body></html>`,
    );
    expect(await axeViolations(page)).toEqual([]);
    expect((await axeViolations(page, undefined, ['heading-order'])).map((v) => v.id)).toEqual([
      'heading-order',
    ]);
    await context.close();
  }, 30_000);
});
