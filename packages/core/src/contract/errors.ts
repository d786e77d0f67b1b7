import * as z from 'zod/mini';
import { ERROR_CODES } from './error-status';

// The status table and the issue mapping live in error-status.ts, free of zod, so that clients
// which leave validation to the server bundle no schema library.
export { ERROR_CODES, ERROR_STATUS, toErrorIssues } from './error-status';

/** An API error code. */
export const ErrorCodeSchema = z.enum(ERROR_CODES);
/** An API error code. */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** One validation problem, with the path into the input that caused it. */
export const ErrorIssueSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  code: z.string(),
  message: z.string(),
});
/** A validation issue. */
export type ErrorIssue = z.infer<typeof ErrorIssueSchema>;

/** The body of every error response: `{ error: { code, message, issues? } }`. */
export const ErrorBodySchema = z.object({
  error: z.object({
    // Open on purpose: a client must still read the message and issues of a code a newer server
    // added. The server only ever sends the codes of ERROR_CODES.
    code: z.string().check(z.minLength(1), z.maxLength(64)),
    message: z.string(),
    issues: z.optional(z.array(ErrorIssueSchema)),
  }),
});
/** An error response body. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
