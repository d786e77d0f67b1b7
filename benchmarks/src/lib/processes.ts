import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TierdeskOptions } from '@tierdesk/node';

const ROOT = resolve(import.meta.dirname, '../../..');
const SERVER_MAIN = resolve(import.meta.dirname, '../server/server-main.ts');

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A benchmark server in a child process (server/server-main.ts). */
export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  /** A request to the process's control listener (SQL, API keys, raw-insert ceiling). */
  control<T>(path: string, body: unknown): Promise<T>;
  /** What the process wrote to stderr (warnings and errors as JSON lines). */
  stderr(): string;
  /** SIGTERM and wait for the graceful shutdown. */
  stop(): Promise<void>;
}

type ServerConfig = { mode: 'tierdesk'; options: TierdeskOptions } | { mode: 'hello' };

/**
 * Starts a server process on the built packages (no `source` condition: what users install) and
 * resolves once it listens on a free loopback port.
 */
export function startServer(config: ServerConfig, timeoutMs = 120_000): Promise<BenchServer> {
  // TIERDESK_BENCH_NODE_ARGS adds Node flags to the server processes, e.g. `--cpu-prof --cpu-prof-dir=…`
  // to profile a scenario (how the profiles in BENCHMARKS.md were taken).
  const nodeArgs = (process.env.TIERDESK_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', SERVER_MAIN], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', TIERDESK_BENCH_SERVER: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      running.delete(child);
      done();
    }),
  );
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
    child.stdout?.on('data', () => {
      const match = /listening (\S+)(?: control (\S+))?\n/.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      const controlUrl = match[2];
      resolvePromise({
        url: match[1] as string,
        control: async <T>(path: string, body: unknown): Promise<T> => {
          if (controlUrl === undefined) throw new Error('this server has no control listener');
          const response = await fetch(`${controlUrl}${path}`, {
            method: 'POST',
            body: JSON.stringify(body),
          });
          if (!response.ok) throw new Error(`control ${path}: ${await response.text()}`);
          return (await response.json()) as T;
        },
        pid: child.pid as number,
        stderr: () => err,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after it start past the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds used so far by every process whose command name is `name` (e.g. all `postgres`). */
export function cpuSecondsOfAll(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === name) total += processCpuSeconds(Number(entry));
    } catch {
      // The process ended while we looked: its CPU time is gone with it.
    }
  }
  return total;
}

/** CPU seconds the whole machine has been busy (every CPU, all but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
    TICKS_PER_SECOND
  );
}
