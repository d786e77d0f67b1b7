export type { EventHub, EventHubOptions, EventHubStats } from './event-hub';
export { createEventHub } from './event-hub';
export type { StreamControlEvent } from './stream-messages';
export type { StreamPosition } from './stream-position';
export { formatStreamPosition, parseStreamPosition } from './stream-position';
export type { TimelineNotification } from './timeline.notify';
export { notifyTimelineAppended, REALTIME_CHANNEL } from './timeline.notify';
