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
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new ApiError('bad_request', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `The request body exceeds the limit of ${maxBytes} bytes.`);
}
