import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { storyBackendOf } from '../../stories/story.decorator';
import type { TierdeskStoryParameters } from '../../stories/story.types';
import { WidgetPartStory } from '../../stories/story.widget-part';
import { ArticleView } from './article-view';

// <ArticleView/> on its own over `useWidget()`, opened on an article by the story.

const meta = {
  title: 'Widget/Parts/ArticleView',
  component: WidgetPartStory,
  args: { part: ArticleView, start: (widget) => widget.openArticle('art-vpn') },
  argTypes: { part: { control: false }, start: { control: false } },
} satisfies Meta<typeof WidgetPartStory>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** The article's markdown, its headings one level under the title, and the vote. */
export const Article: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(
      await canvas.findByRole('heading', { level: 3, name: 'Fixing VPN drops' }, TIMEOUT),
    ).toBeVisible();
    await expect(canvas.getByRole('heading', { level: 4, name: 'Check the certificate' })).toBeVisible();
    await expect(canvas.getByRole('group', { name: 'Was this article helpful?' })).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Contact support' })).toBeVisible();
  },
};

/** The reader votes: the vote is sent and thanked for. */
export const Voted: Story = {
  play: async (context) => {
    const canvas = within(context.canvasElement);
    const yes = await canvas.findByRole('button', { name: 'Yes' }, TIMEOUT);
    await waitFor(() => expect(yes).toBeEnabled(), TIMEOUT);
    await userEvent.click(yes);
    await expect(await canvas.findByText('Thanks for your feedback!', {}, TIMEOUT)).toBeVisible();
    await waitFor(
      () =>
        expect(storyBackendOf(context).calls).toContainEqual(
          expect.objectContaining({
            route: 'articleFeedback',
            body: expect.objectContaining({ helpful: true }),
          }),
        ),
      TIMEOUT,
    );
  },
};

/** Waiting for the article. */
export const Loading: Story = {
  parameters: { tierdesk: { hang: ['getArticle'] } },
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('Loading…', {}, TIMEOUT)).toBeVisible();
  },
};
