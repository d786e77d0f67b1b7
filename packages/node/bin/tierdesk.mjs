#!/usr/bin/env node
// The `tierdesk` command: a thin launcher for the built CLI (dist/cli.js).
import { runCli } from '../dist/cli.js';

process.exitCode = await runCli(process.argv.slice(2));
