export { MAX_TIMERS_PER_TRANSACTION } from './timer.claim';
export type { TimerSchedulerErrorCode } from './timer.errors';
export { isTimerSchedulerError, TimerSchedulerError } from './timer.errors';
export { formatTimersPayload, notifyTimersChanged, parseTimersPayload, TIMERS_CHANNEL } from './timer.notify';
export type { TimerScheduler, TimerSchedulerOptions } from './timer.scheduler';
export { createTimerScheduler } from './timer.scheduler';
export type { DueTimer, FireTimer } from './timer.types';
