import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, within } from 'storybook/test';
import { STORY_SCENARIOS, type TierdeskStoryParameters } from '../../stories/story.types';
import { WidgetPartStory } from '../../stories/story.widget-part';
import { HelpCenterSearch } from './help-center-search';

// <HelpCenterSearch/> on its own over `useWidget()`, as a host composing its own widget renders it.

const meta = {
  title: 'Widget/Parts/HelpCenterSearch',
  component: WidgetPartStory,
  args: { part: HelpCenterSearch },
  argTypes: { part: { control: false }, start: { control: false } },
} satisfies Meta<typeof WidgetPartStory>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** The search box and the ways on, before anything is typed. */
export const Blank: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('searchbox', { name: 'Search help articles' })).toHaveValue('');
    await expect(canvas.getByRole('button', { name: 'Contact support' })).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Your requests' })).toBeVisible();
  },
};

/** Search as you type, the matching words marked. */
export const Results: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(canvas.getByRole('searchbox'), 'certificate');
    const hit = await canvas.findByRole('button', { name: /Renewing your device certificate/ }, TIMEOUT);
    await expect(hit.querySelector('mark')).toHaveTextContent(/certificate/i);
  },
};

/** Nothing matches. */
export const NoResults: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.empty },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(canvas.getByRole('searchbox'), 'printer');
    await expect(await canvas.findByText('No articles match “printer”.', {}, TIMEOUT)).toBeVisible();
  },
};

/** The search fails: the error notice with a retry. */
export const SearchFails: Story = {
  parameters: { tierdesk: { fail: ['searchArticles'] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(canvas.getByRole('searchbox'), 'vpn');
    const alert = await canvas.findByRole('alert', {}, TIMEOUT);
    await expect(within(alert).getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

/** Arabic, right to left, over the Arabic articles. */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  args: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvasElement.querySelector('.td-widget-part-story')).toHaveAttribute('dir', 'rtl');
    await userEvent.type(canvas.getByRole('searchbox'), 'VPN');
    await expect(
      await canvas.findByRole('button', { name: /إصلاح انقطاع اتصال VPN/ }, TIMEOUT),
    ).toBeVisible();
  },
};
