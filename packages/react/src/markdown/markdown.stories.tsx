import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { storyArticles } from '../stories/story.fixtures';
import { storyMarkdown } from '../stories/story.markdown';
import { Markdown, type MarkdownProps } from './markdown';

// <Markdown> renders the node tree the server parsed. Each story takes markdown *source* (editable in
// the Controls panel) and runs it through the server's own parser first, so what renders here is
// exactly what the API would send for that text.

/** The story's args: the component's props, with markdown source in place of the parsed tree. */
type MarkdownStoryArgs = Omit<MarkdownProps, 'nodes'> & {
  /** Markdown source, parsed with the server's parser before rendering. */
  source: string;
};

const meta = {
  title: 'Content/Markdown',
  // No `component`: the args are markdown source, not the component's props (see the render).
  render: ({ source, ...props }) => <Markdown {...props} nodes={storyMarkdown(source)} />,
  args: { source: '', onArticleLink: fn() },
  argTypes: {
    source: { control: 'text' },
    images: { control: 'inline-radio', options: ['inline', 'link'] },
    headingLevelOffset: { control: { type: 'number', min: 0, max: 5 } },
  },
} satisfies Meta<MarkdownStoryArgs>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Headings, paragraphs, emphasis, strikethrough, inline code, a quote and a rule. */
export const Text: Story = {
  args: {
    source: [
      '# Getting started',
      '',
      'Tierdesk answers **most questions** before they become tickets, *without* a page reload.',
      'Old advice is ~~struck through~~; commands look like `tierdesk-vpn status`.',
      '',
      '## Before you write to us',
      '',
      '> Check the status page first: most outages are announced there within minutes.',
      '',
      '---',
      '',
      'Line one  ',
      'line two after a hard break.',
    ].join('\n'),
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('heading', { level: 1, name: 'Getting started' })).toBeVisible();
    await expect(canvas.getByRole('heading', { level: 2, name: 'Before you write to us' })).toBeVisible();
    await expect(canvas.getByText('most questions', { selector: 'strong' })).toBeVisible();
    await expect(canvas.getByText('struck through', { selector: 'del' })).toBeVisible();
  },
};

/** Ordered, unordered, nested and task lists. */
export const Lists: Story = {
  args: {
    source: [
      '1. Open **Settings**',
      '2. Choose *Security*',
      '   - Device certificate',
      '   - Recovery codes',
      '3. Click `Renew`',
      '',
      '- [x] Install the app',
      '- [ ] Scan the QR code',
    ].join('\n'),
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getAllByRole('list')).toHaveLength(3);
    await expect(canvas.getByRole('checkbox', { name: 'Done' })).toBeChecked();
    await expect(canvas.getByRole('checkbox', { name: 'Not done' })).not.toBeChecked();
  },
};

/** A fenced code block (its language becomes a `language-*` class from a strict allow-list). */
export const Code: Story = {
  args: {
    source: [
      'Collect the log:',
      '',
      '```sh',
      'tierdesk-vpn diagnostics --since 2h > vpn-log.txt',
      'grep -c "reconnect" vpn-log.txt',
      '```',
    ].join('\n'),
  },
  play: async ({ canvasElement }) => {
    const code = canvasElement.querySelector('pre code');
    await expect(code).toHaveTextContent('tierdesk-vpn diagnostics --since 2h > vpn-log.txt');
  },
};

/** External, mail and article links; article links call `onArticleLink` instead of navigating. */
export const Links: Story = {
  args: {
    source: [
      'Read [the status page](https://status.example.com "Service status"), write to',
      '<support@example.com>, or see [Renewing your device certificate](tierdesk:article/art-certs).',
    ].join('\n'),
  },
  play: async ({ args, canvasElement }) => {
    const canvas = within(canvasElement);
    // The server stores URLs normalised (WHATWG serialisation: the trailing slash of a bare origin).
    const external = canvas.getByRole('link', { name: 'the status page' });
    await expect(external).toHaveAttribute('href', 'https://status.example.com/');
    await expect(external).toHaveAttribute('rel', 'noopener noreferrer nofollow');
    await expect(canvas.getByRole('link', { name: 'support@example.com' })).toHaveAttribute(
      'href',
      'mailto:support@example.com',
    );
    await userEvent.click(canvas.getByRole('button', { name: 'Renewing your device certificate' }));
    await expect(args.onArticleLink).toHaveBeenCalledWith('art-certs');
  },
};

/** A GFM table with aligned columns. */
export const Table: Story = {
  args: {
    source: [
      '| Plan | Seats | First reply |',
      '| :--- | ---: | :---: |',
      '| Starter | 5 | 1 business day |',
      '| Business | 50 | 4 hours |',
      '| Enterprise | unlimited | 1 hour |',
    ].join('\n'),
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getAllByRole('columnheader')).toHaveLength(3);
    await expect(canvas.getAllByRole('row')).toHaveLength(4);
  },
};

/** Images from untrusted authors shown as links, so nothing remote loads until the reader asks. */
export const ImagesAsLinks: Story = {
  args: {
    images: 'link',
    source: 'Here is my screen: ![Error dialog with code 0x80070005](https://cdn.example.com/shot.png)',
  },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('img')).toBeNull();
    await expect(
      within(canvasElement).getByRole('link', { name: /Error dialog with code 0x80070005/ }),
    ).toHaveAttribute('href', 'https://cdn.example.com/shot.png');
  },
};

/**
 * Text that looks like an attack: raw HTML, `javascript:` links, event handlers. The server's parser
 * turns all of it into plain text or drops the link; nothing here can run script.
 */
export const XssLookingText: Story = {
  args: {
    source: [
      'Hi <script>alert("xss")</script> there <img src=x onerror="alert(1)">',
      '',
      '[click me](javascript:alert(document.cookie)) and [data](data:text/html,<script>alert(1)</script>)',
      '',
      '<a href="javascript:alert(1)" onclick="alert(2)">raw link</a>',
      '',
      '![x](javascript:alert(1))',
    ].join('\n'),
  },
  play: async ({ canvasElement }) => {
    await expect(
      canvasElement.querySelector('script, iframe, object, embed, img, [onerror], [onclick]'),
    ).toBeNull();
    for (const link of canvasElement.querySelectorAll('a')) {
      await expect(link.getAttribute('href') ?? '').toMatch(/^(https?:|mailto:)/);
    }
    await expect(within(canvasElement).getByText(/<script>alert\("xss"\)<\/script>/)).toBeVisible();
  },
};

/** A whole help-center article from the fixtures, headings shifted under the host's own `h2`. */
export const Article: Story = {
  args: {
    source: storyArticles().find((a) => a.id === 'art-vpn')?.body ?? '',
    headingLevelOffset: 2,
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('heading', { level: 4, name: 'Check the certificate' })).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Renewing your device certificate' })).toBeVisible();
  },
};

/** Arabic text, right to left. */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  args: {
    source: storyArticles().find((a) => a.id === 'art-vpn-ar')?.body ?? '',
  },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('.td-story-canvas')).toHaveAttribute('dir', 'rtl');
    await expect(within(canvasElement).getByText('VPN', { selector: 'strong' })).toBeVisible();
  },
};
