import { describe, expect, it } from 'vitest';
import { tokensToStyle } from './tokens';

describe('tokensToStyle', () => {
  it('maps token overrides to --td-* custom properties', () => {
    expect(tokensToStyle({ 'color-accent': '#7a2fd3', 'radius-md': '2px' })).toEqual({
      '--td-color-accent': '#7a2fd3',
      '--td-radius-md': '2px',
    });
  });

  it('drops empty and missing values', () => {
    expect(
      tokensToStyle({ 'color-accent': '', 'space-2': '   ', 'z-panel': undefined as unknown as string }),
    ).toEqual({});
    expect(tokensToStyle(undefined)).toEqual({});
  });
});
