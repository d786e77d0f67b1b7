// Input shaping before micromark. micromark is correct on any input but not linear on all of it:
// measured on Node 20, 20 000 characters of `>` overflow the stack, `1. 1. 1. …` takes seconds, two
// 10 000-character runs of `*` take ~8 s, and `[a[a…](b)](b)` grows quadratically. The parser
// therefore never hands micromark more than `MAX_CHUNK_LENGTH` characters at once and defuses the two
// shapes whose cost grows within a single line. Ordinary markdown passes through unchanged.

/** Largest piece of source parsed in one micromark call (cost is super-linear within a piece). */
export const MAX_CHUNK_LENGTH = 8_000;
/** Most container markers (`>`, list bullets) opening on one line; more become literal text. */
export const MAX_LINE_CONTAINERS = 16;
/** Longest run of `*`, `_`, `~` (mixed or not) kept as delimiters; longer runs are escaped (same text). */
export const MAX_DELIMITER_RUN = 16;

const FENCE_OPEN = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const RULE_LINE = /^[ \t]*([*_~])(?:[ \t]*\1)*[ \t]*$/;
const LIST_BULLET = /^(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)/;
const LONG_RUN = new RegExp(`[*_~]{${MAX_DELIMITER_RUN + 1},}`, 'g');
const DEFINITION = /^ {0,3}\[(?:[^\]\\\n]|\\.){1,999}\]:[ \t]*\S.*$/;
const MAX_CARRIED_DEFINITIONS = 100;

/** Escapes container markers beyond {@link MAX_LINE_CONTAINERS} at the start of `line`. */
function capContainers(line: string): string {
  let i = 0;
  let markers = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    const rest = line.slice(i, i + 11);
    const bullet = line[i] === '>' ? '>' : LIST_BULLET.exec(rest)?.[0];
    if (bullet === undefined) return line;
    if (markers === MAX_LINE_CONTAINERS) return `${line.slice(0, i)}\\${line.slice(i)}`;
    markers++;
    i += bullet.length;
  }
}

/** Backslash-escapes runs of delimiters longer than {@link MAX_DELIMITER_RUN}; the text shown is the same. */
function capDelimiterRuns(line: string): string {
  if (RULE_LINE.test(line)) return line;
  return line.replace(LONG_RUN, (run) => run.replace(/./g, '\\$&'));
}

/** Splits `s` into pieces of at most `size` UTF-16 units without cutting a surrogate pair. */
function splitLong(s: string, size: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (s.length - start > size) {
    let end = start + size;
    const code = s.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
    out.push(s.slice(start, end));
    start = end;
  }
  out.push(s.slice(start));
  return out;
}

/**
 * Cuts markdown source into pieces of at most ~{@link MAX_CHUNK_LENGTH} characters that micromark can
 * parse independently, defusing the known super-linear shapes on the way. Cuts prefer a blank line
 * followed by an unindented line (a top-level block boundary); a fenced code block cut in two is closed
 * and reopened so both halves stay code; reference definitions are carried into every piece so that
 * `[text][ref]` still resolves across a cut.
 */
export function prepareMarkdownChunks(source: string): string[] {
  const definitions: string[] = [];
  const chunks: string[] = [];
  let current: string[] = [];
  let length = 0;
  let boundary = -1; // index in `current` of a preferred cut: a blank line, then an unindented line
  let fence: { line: string; marker: string; close: RegExp } | undefined;

  const emit = (upTo: number) => {
    chunks.push(current.slice(0, upTo).join('\n'));
    current = current.slice(upTo);
    length = current.reduce((n, l) => n + l.length + 1, 0);
    boundary = -1;
  };

  for (const line of source.replace(/\r\n?/g, '\n').split('\n')) {
    let closesFence = false;
    if (fence) {
      closesFence = fence.close.test(line);
    } else {
      const open = FENCE_OPEN.exec(line);
      if (open) {
        const marker = open[1] as string;
        fence = { line, marker, close: new RegExp(`^ {0,3}\\${marker[0]}{${marker.length},}[ \\t]*$`) };
      } else if (definitions.length < MAX_CARRIED_DEFINITIONS && DEFINITION.test(line)) {
        definitions.push(line);
      }
    }
    const pieces = line.length > MAX_CHUNK_LENGTH ? splitLong(line, MAX_CHUNK_LENGTH) : [line];
    for (const part of pieces) {
      // Each piece of a cut line starts a line of its own for micromark, so each is defused.
      const piece = fence ? part : capDelimiterRuns(capContainers(part));
      while (!closesFence && current.length > 0 && length + piece.length + 1 > MAX_CHUNK_LENGTH) {
        if (boundary > 0) emit(boundary);
        else if (fence && piece !== fence.line) {
          // Close the code block here and reopen it at the start of the next piece.
          current.push(fence.marker);
          emit(current.length);
          current.push(fence.line);
          length = fence.line.length + 1;
          break;
        } else emit(current.length);
      }
      if (!fence && /^\S/.test(piece) && current.length > 0 && current[current.length - 1]?.trim() === '') {
        boundary = current.length;
      }
      current.push(piece);
      length += piece.length + 1;
    }
    if (closesFence) fence = undefined;
  }
  // An unclosed fence runs to the end anyway; closing it keeps carried definitions out of the code.
  if (fence) current.push(fence.marker);
  chunks.push(current.join('\n'));
  if (chunks.length === 1 || definitions.length === 0) return chunks;
  const carried = `\n\n${definitions.join('\n')}`;
  return chunks.map((chunk) => chunk + carried);
}
