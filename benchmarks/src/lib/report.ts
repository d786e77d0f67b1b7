/** What a benchmark suite hands to the report (BENCHMARKS.md). */
export interface SuiteReport {
  /** Section heading, e.g. "Server throughput and latency". */
  title: string;
  /** The section body in Markdown: method, tables, and the targets with met / MISSED. */
  markdown: string;
  /** One line per target this run missed (empty when all were met); repeated in the summary. */
  missed: string[];
  /** One line per target this run met. */
  met: string[];
  /** Raw figures, written to benchmarks/results/latest.json for anyone who wants to compare runs. */
  data: unknown;
  /** Wall time of the suite, ms (filled in by the runner). */
  elapsedMs?: number;
}

/** The context the runner gives every suite. */
export interface SuiteContext {
  /** Progress lines for the terminal (not the report). */
  log(line: string): void;
  /** `--quick`: smaller sizes and shorter runs, to check that the suite works (not for publishing). */
  quick: boolean;
}

/** A Markdown table from a header row and rows of cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
