// @vitest-environment jsdom
/// <reference types="vite/client" />
import { composeStories, type composeStory, setProjectAnnotations } from '@storybook/react-vite';
import axe from 'axe-core';
import { beforeAll, describe, expect, it } from 'vitest';
import preview from '../.storybook/preview';

// Every story is a test. Each `*.stories.tsx` under src/ is found here, composed with the project's
// annotations (the Tierdesk decorator, its loader, the toolbar's default globals), rendered, its play
// function run, and the rendered canvas checked with axe. A story that throws, a play function whose
// expectation fails, or an accessibility violation fails `npm test`.

/**
 * Components that must have stories, as paths under src/. The stories file sits beside the component
 * with the same base name (`widget/support-widget.tsx` → `widget/support-widget.stories.tsx`).
 * Adding a component? Add it here, and write its stories.
 */
const COMPONENTS_WITH_STORIES = [
  'agent/agent-ticket-view/agent-ticket-view.tsx',
  'agent/examples/agent-console.example.tsx',
  'agent/metrics-panel/metrics-panel.tsx',
  'agent/sla-countdown/sla-countdown.tsx',
  'agent/ticket-queue/ticket-queue.tsx',
  'markdown/markdown.tsx',
  'widget/parts/article-view.tsx',
  'widget/parts/conversation.tsx',
  'widget/parts/csat-survey.tsx',
  'widget/parts/help-center-search.tsx',
  'widget/parts/support-hours-notice.tsx',
  'widget/parts/ticket-form.tsx',
  'widget/parts/ticket-list.tsx',
  'widget/parts/ticket-promise.tsx',
  'widget/support-widget.tsx',
];

const annotations = setProjectAnnotations([preview]);
beforeAll(annotations.beforeAll);

type StoryModule = Parameters<typeof composeStories>[0];
type ComposedStory = ReturnType<typeof composeStory>;
const storyFiles = import.meta.glob<StoryModule>('./**/*.stories.tsx', { eager: true });
// Only the keys are used: which component files exist (nothing is imported).
const sourceFiles = Object.keys(import.meta.glob('./**/*.tsx'));

// jsdom lays nothing out and paints nothing, so the rules that measure rendered boxes or colours
// would judge zeros: colour contrast (and its enhanced level), links told apart by colour alone,
// target size, and scrollable regions. Storybook's a11y addon runs all of them in a real browser,
// and so does the Chromium suite in tests/browser. `region` is off as in Storybook's own runner: a
// story renders one component, not a page with landmarks. Every other rule of axe's default set runs.
const AXE_OPTIONS: axe.RunOptions = {
  rules: {
    'color-contrast': { enabled: false },
    'color-contrast-enhanced': { enabled: false },
    'link-in-text-block': { enabled: false },
    'target-size': { enabled: false },
    'scrollable-region-focusable': { enabled: false },
    region: { enabled: false },
  },
};

/**
 * Story parameters the runner reads. `a11yKnownViolations` lists axe rules a story is known to break
 * (each with the bug it waits for); the story then sets `a11y: { test: 'todo' }` so Storybook's panel
 * shows them as warnings. The run fails on any other rule, and on a listed rule that no longer fires,
 * so the list only ever shrinks.
 */
interface RunnerParameters {
  a11yKnownViolations?: readonly string[];
}

/** A violation as a failing test should show it: the rule, its help text and the elements. */
function describeViolation(violation: axe.Result): string {
  const targets = violation.nodes.map((node) => node.target.join(' ')).join(', ');
  return `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help} — ${targets}`;
}

describe('stories', () => {
  it('finds stories files', () => {
    expect(Object.keys(storyFiles).length).toBeGreaterThan(0);
  });

  it.each(COMPONENTS_WITH_STORIES)('%s has a stories file beside it', (component) => {
    expect(sourceFiles, `${component} is listed but does not exist`).toContain(`./${component}`);
    expect(Object.keys(storyFiles)).toContain(`./${component.replace(/\.tsx$/, '.stories.tsx')}`);
  });

  describe.each(Object.entries(storyFiles))('%s', (_path, module) => {
    const stories = Object.entries(composeStories(module)) as [string, ComposedStory][];

    it('exports at least one story', () => {
      expect(stories.length).toBeGreaterThan(0);
    });

    it.each(stories)('%s renders, plays, and has no axe violation', async (_name, Story) => {
      const canvasElement = document.createElement('div');
      document.body.append(canvasElement);
      try {
        await Story.run({ canvasElement });
        const results = await axe.run(canvasElement, AXE_OPTIONS);
        const known = new Set((Story.parameters as RunnerParameters).a11yKnownViolations ?? []);
        const found = new Set(results.violations.map((v) => v.id));
        expect(results.violations.filter((v) => !known.has(v.id)).map(describeViolation)).toEqual([]);
        expect(
          [...known].filter((id) => !found.has(id)),
          'fixed: remove these rules from the story’s a11yKnownViolations',
        ).toEqual([]);
      } finally {
        canvasElement.remove();
      }
    });
  });
});
