import { ApiError } from './api-error';

/**
 * Reads a request body as text, refusing more than `maxBytes` (413) as soon as the declared length or
 * the bytes actually received pass it, without buffering the rest.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError('bad_request', 'The request body is not valid UTF-8.');
  }
}

/**
 * Reads and parses a JSON body: 415 for another media type, 400 for malformed JSON, 413 when too large.
 * Returns the raw text too (idempotency fingerprints the body as sent).
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
): Promise<{ text: string; value: unknown }> {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (
    mediaType !== 'application/json' &&
    !(mediaType?.startsWith('application/') && mediaType.endsWith('+json'))
  ) {
    throw new ApiError('unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await readBodyText(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError('bad_request', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  // JSON may escape half of a surrogate pair (`"\ud800"`); no database stores that as text or jsonb, so
  // it is refused here instead of failing deep in a transaction. The UTF-8 decoder above already refused
  // raw ones, so only an escape can bring one in: the walk runs only when the text has such an escape.
  if (SURROGATE_ESCAPE.test(text) && holdsLoneSurrogate(value)) {
    throw new ApiError(
      'bad_request',
      'The request body holds an unpaired UTF-16 surrogate: it is not valid Unicode.',
    );
  }
  return { text, value };
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether any string or key of a parsed JSON value holds an unpaired surrogate (iterative: bodies may nest deeply). */
function holdsLoneSurrogate(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `The request body exceeds the limit of ${maxBytes} bytes.`);
}
