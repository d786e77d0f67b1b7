// Summaries of V8 CPU profiles (the format of `node --cpu-prof` and inspector Profiler.stop), so that a
// missed target's explanation in BENCHMARKS.md comes from a profile taken in the same run.

/** The parts of a V8 CPU profile this module reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where the sampled time went: by package (or runtime part) and by function, as % of all samples. */
export interface ProfileSummary {
  totalMs: number;
  byPart: { part: string; pct: number }[];
  topFunctions: { fn: string; part: string; pct: number }[];
}

/** Names the package, our package or runtime part a frame belongs to. */
function partOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName.startsWith('(')) return functionName; // (idle), (garbage collector), (program)
    return `native (${functionName})`;
  }
  const ours = /\/packages\/(core|react|node)\/(?:dist|src)\//.exec(url);
  if (ours) return `@tierdesk/${ours[1]}`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep) return dep[1] as string;
  if (url.startsWith('node:')) return 'Node.js runtime';
  return url.split('/').slice(-2).join('/');
}

/** Summarises a profile: self time grouped by part and by function (top `top`). */
export function summariseProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const parts = new Map<string, number>();
  const fns = new Map<string, { part: string; us: number }>();
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const part = partOf(frame.url, frame.functionName);
    parts.set(part, (parts.get(part) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'}${frame.url === '' ? '' : ` (${frame.url.split('/').slice(-1)[0]}:${frame.lineNumber + 1})`}`;
    const entry = fns.get(fn) ?? { part, us: 0 };
    entry.us += us;
    fns.set(fn, entry);
  }
  const pct = (us: number) => (total === 0 ? 0 : (us / total) * 100);
  return {
    totalMs: total / 1000,
    byPart: [...parts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([part, us]) => ({ part, pct: pct(us) })),
    topFunctions: [...fns]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([fn, { part, us }]) => ({ fn, part, pct: pct(us) })),
  };
}
