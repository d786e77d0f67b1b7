import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { TierdeskOptions } from '@tierdesk/node';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = resolve(import.meta.dirname, 'server-main.ts');

const running = new Set<ChildProcess>();

/**
 * SIGKILLs every server process this test file started that is still alive (for afterAll: a failed
 * or timed-out test must not leave servers behind).
 */
export async function killServerProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGKILL');
        }),
    ),
  );
  running.clear();
}

/** A Tierdesk server running in a child process (see server-main.ts). */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Everything the process wrote to stderr so far (warnings and errors, JSON lines). */
  stderr(): string;
  /** SIGKILL: no shutdown code runs, in-flight transactions die with the process. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown. */
  stop(): Promise<void>;
}

/**
 * Starts createTierdesk + createNodeServer with `options` in a new Node process (on source, through
 * tsx) and resolves once it listens. `port` 0 picks a free one; pass the old port to restart in place.
 */
export function startServerProcess(
  options: TierdeskOptions,
  { port = 0, timeoutMs = 60_000 }: { port?: number; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', MAIN], {
    cwd: ROOT,
    env: { ...process.env, TIERDESK_RELIABILITY_SERVER: JSON.stringify({ options, port }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start in ${timeoutMs} ms:\n${out}\n${err.slice(-4000)}`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${out}\n${err.slice(-4000)}`));
    };
    child.once('exit', onExit);
    child.stdout?.on('data', function check() {
      const match = /listening (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (match === null) return;
      child.stdout?.off('data', check);
      child.off('exit', onExit);
      clearTimeout(timer);
      resolvePromise({
        child,
        url: match[1] as string,
        port: Number(match[2]),
        stderr: () => err,
        kill: () => signal('SIGKILL'),
        stop: () => signal('SIGTERM'),
      });
    });
  });
}
