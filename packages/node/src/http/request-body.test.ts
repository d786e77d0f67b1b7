import { describe, expect, it } from 'vitest';
import { isApiError } from './api-error';
import { readJsonBody } from './request-body';

const post = (body: string) =>
  new Request('http://localhost/v1/tickets', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

async function rejection(body: string): Promise<{ code: string; message: string }> {
  try {
    await readJsonBody(post(body), 1024 * 1024);
  } catch (error) {
    if (isApiError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('readJsonBody', () => {
  // Found by the route fuzzer (tests/reliability/07-fuzz-routes.test.ts): an escaped lone surrogate passed
  // validation and then failed the jsonb insert ("invalid input syntax for type json") as a 500.
  it.each([
    ['a lone high surrogate', '{"subject":"\\ud800"}'],
    ['a lone low surrogate', '{"subject":"x\\udfffy"}'],
    ['a surrogate in an object key', '{"customFields":{"x\\ud83dy":1}}'],
    ['a surrogate deep in arrays', `{"tags":${'['.repeat(5000)}"\\uDBFF"${']'.repeat(5000)}}`],
  ])('refuses %s as a bad request (400), not a server error', async (_what, body) => {
    expect(await rejection(body)).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/surrogate/),
    });
  });

  it('keeps paired surrogates (astral characters) and escaped backslashes followed by "ud800"', async () => {
    const { value } = await readJsonBody(
      post('{"subject":"\\ud83d\\ude00 ok","body":"\\\\ud800 is text"}'),
      1024,
    );
    expect(value).toEqual({ subject: '😀 ok', body: '\\ud800 is text' });
  });

  it('still refuses malformed JSON and other media types', async () => {
    expect((await rejection('{"subject":')).code).toBe('bad_request');
    await expect(
      readJsonBody(
        new Request('http://localhost/', {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'text/plain' },
        }),
        10,
      ),
    ).rejects.toMatchObject({ code: 'unsupported_media_type' });
  });
});
