import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { expect } from 'vitest';

/** A live list of a stream's events (filled as they arrive) and a way to hang up. */
export interface CollectedStream<T> {
  events: T[];
  close: () => void;
}

/** Reads an SSE response's events into `events` as they arrive, each mapped by `toItem`. */
export function collectSse<T>(
  response: Response,
  controller: AbortController,
  toItem: (message: EventSourceMessage) => T,
): CollectedStream<T> {
  const events: T[] = [];
  const parser = createParser({ onEvent: (message) => events.push(toItem(message)) });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted by close()
    }
  })();
  return { events, close: () => controller.abort() };
}

/** Opens an SSE stream (asserting a 200 `text/event-stream`) and collects its events. */
export async function openSse<T>(
  url: string,
  headers: Record<string, string>,
  toItem: (message: EventSourceMessage) => T,
): Promise<CollectedStream<T>> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  return collectSse(response, controller, toItem);
}
