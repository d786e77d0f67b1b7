import { isSafeMarkdownHref, isSafeMarkdownImageSrc, MARKDOWN_LIMITS } from '@tierdesk/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XSS_CORPUS } from '../../../node/src/markdown/xss-corpus';
import { isRenderableHref, isRenderableImageSrc, MAX_RENDER_DEPTH } from './markdown.urls';

describe("the renderer's copy of core's URL rules", () => {
  const samples = [
    ...XSS_CORPUS,
    'https://example.com/',
    'http://example.com/a?b=c#d',
    'mailto:help@example.com',
    'tierdesk:article/art_42',
    'tierdesk:article/',
    'tierdesk:article/a b',
    'https://example.com/a b',
    `https://example.com/${'a'.repeat(8_200)}`,
    'HTTPS://EXAMPLE.COM/',
    ' https://example.com/',
  ];

  it('agrees with core on known samples', () => {
    for (const value of samples) {
      expect(isRenderableHref(value), value).toBe(isSafeMarkdownHref(value));
      expect(isRenderableImageSrc(value), value).toBe(isSafeMarkdownImageSrc(value));
    }
    expect(MAX_RENDER_DEPTH).toBe(MARKDOWN_LIMITS.maxDepth);
  });

  it('agrees with core on arbitrary URL-shaped strings', () => {
    const prefix = fc.constantFrom(
      'https://',
      'http://',
      'mailto:',
      'tierdesk:article/',
      'javascript:',
      'data:',
      '',
    );
    fc.assert(
      fc.property(prefix, fc.string({ unit: 'binary-ascii', maxLength: 40 }), (p, rest) => {
        const value = p + rest;
        expect(isRenderableHref(value)).toBe(isSafeMarkdownHref(value));
        expect(isRenderableImageSrc(value)).toBe(isSafeMarkdownImageSrc(value));
      }),
      { numRuns: 2_000 },
    );
  });
});
