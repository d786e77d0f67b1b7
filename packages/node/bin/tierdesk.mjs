#!/usr/bin/env node
// The `tierdesk` command: a thin launcher for the built CLI (dist/cli.js).
import { runCli } from '../dist/cli.js';

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  // A failed start (database unreachable, bad config) is a message for the operator, not a stack.
  process.stderr.write(`tierdesk: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.TIERDESK_DEBUG) console.error(error);
  process.exitCode = 1;
}
