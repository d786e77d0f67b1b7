import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The terminal walkthrough of the headless core, run as a person runs it (on the built core; the
// demo test builds the packages when dist is missing, CI builds before testing).

describe('core-walkthrough.mjs', () => {
  it('plays the ticket through warning, escalation, replies, solve and CSAT', () => {
    const out = execFileSync(
      process.execPath,
      [resolve(import.meta.dirname, '../src/core-walkthrough.mjs')],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toContain('Next SLA timer: Mon 09:36');
    expect(out).toContain('Warning fired; the rule moved the ticket to tier 2.');
    expect(out).toMatch(/tier\.changed +L1 → L2 \(first response at risk, rule warn-to-l2\)/);
    expect(out).toMatch(/csat\.submitted +5\/5/);
    expect(out).toContain('What-if (60 min first response): breached=true');
  });
});
