import type { SupportStatus } from '@tierdesk/core';
import { useEffect, useState } from 'react';
import { useWidgetConnection, type WidgetConnectionOptions } from './widget.connection';

/** How long a support status is trusted before the open widget asks again (opening hours move slowly). */
const REFRESH_MS = 60_000;

/**
 * The support status for the widget's out-of-hours notice, read with the widget's own client (a
 * drop-in widget has no query cache): loaded while `active` (the panel is open), refreshed every
 * minute, `null` until known or when the server cannot say (the notice is then simply left out).
 */
export function useWidgetSupportStatus(
  options: WidgetConnectionOptions,
  active: boolean,
): SupportStatus | null {
  const { client, identity } = useWidgetConnection(options);
  const [status, setStatus] = useState<SupportStatus | null>(null);
  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      client.supportStatus(undefined, { signal: controller.signal }).then(
        (next) => {
          setStatus(next);
          timer = setTimeout(load, REFRESH_MS);
        },
        () => {
          // An older server without the route, or a blip: no notice rather than a wrong one.
          if (!controller.signal.aborted) timer = setTimeout(load, REFRESH_MS);
        },
      );
    };
    load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, active]);
  // A new user starts without the previous one's answer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `identity` is the trigger
  useEffect(() => setStatus(null), [identity]);
  return status;
}
