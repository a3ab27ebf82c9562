/** Importer for folded/collapsed stacks (`a;b;c 42`): perf + stackcollapse, py-spy, async-profiler. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { createProfileBuilder, kindFromName } from '../model/builder.js';
import type { FrameKind, Profile } from '../model/profile.js';
import { createInvalidProfileError, hasSuffix, type Importer, textPrefix } from './importer.js';

const LINE = /^(.*\S) (\d+(?:\.\d+)?)$/;
/** py-spy: `handler (app/views.py:42)`: the line executing in that frame. */
const PY_SPY = /^(.+?) \(([^()]+?):(\d+)\)$/;
/** V8 perf map (--perf-basic-prof): `JS:*handler /srv/app.js:12:5` or `LazyCompile:~f file:///x.js:3`. */
const V8_PERF = /^(?:[A-Za-z]+:)?[*~^+]?(.*?) ((?:file:\/\/)?\/\S*?|node:\S+?):(\d+)(?::(\d+))?$/;
/** async-profiler type suffixes: `_[j]` Java, `_[i]` inlined, `_[k]` kernel, `_[0]` interpreted... */
const ASYNC_PROFILER_SUFFIX = /_\[([a-z0-9])\]$/;

interface ParsedFrame {
  name: string;
  file?: string;
  /** Function start line (V8 perf maps). */
  line?: number;
  column?: number;
  /** Executing line in this frame (py-spy). */
  executing?: number;
  kind: FrameKind;
}

/** Parses one frame of a folded stack into name, file and line where the producer wrote them. */
export function parseFoldedFrame(text: string): ParsedFrame {
  let name = text.trim();
  let kind: FrameKind = 'js';
  const suffix = ASYNC_PROFILER_SUFFIX.exec(name);
  if (suffix) {
    name = name.slice(0, -suffix[0].length);
    if (suffix[1] === 'k') kind = 'native';
  }
  const py = PY_SPY.exec(name);
  if (py) return { name: py[1] as string, file: py[2], executing: Number(py[3]), kind };
  const v8 = V8_PERF.exec(name);
  if (v8) {
    const column = v8[4] === undefined ? undefined : Number(v8[4]);
    return { name: v8[1] || '(anonymous)', file: v8[2], line: Number(v8[3]), column, kind };
  }
  if (kind === 'js' && isNativeName(name)) kind = 'native';
  return { name, kind: kindFromName(name, kind) };
}

/** Native code: `[unknown]`, `[libc.so.6]`, hex addresses, C++ symbols and shared libraries. */
function isNativeName(name: string): boolean {
  return /^\[.*\]$|^0x[0-9a-f]+$|::|\.so(\.\d+)*$|^(__|_Z)/.test(name);
}

/**
 * Parses folded-stack text into the Profile model (weights are sample counts). When some frames
 * carry a file (V8 perf maps, py-spy), the frames without one are native code (C, C++, kernel).
 */
export function importFromFoldedStacks(text: string, fileName = 'stacks'): Profile {
  const rows: Array<{ frames: ParsedFrame[]; count: number }> = [];
  let lineNumber = 0;
  let hasFiles = false;
  for (const raw of text.split('\n')) {
    lineNumber += 1;
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) {
      throw new RedlineError(
        'PROFILE_INVALID',
        `${fileName}:${lineNumber} is not a valid folded-stack line: expected \`frame;frame;... count\` (frames separated by ";", a space, then the sample count), got "${line.length > 80 ? `${line.slice(0, 80)}…` : line}"`,
        {
          exitCode: ExitCode.DataError,
          hint: 'Fix or delete that line (a file cut short or edited by hand), or produce it again (stackcollapse-perf, py-spy --format raw, async-profiler collapsed).',
          position: { file: fileName, line: lineNumber },
        },
      );
    }
    const frames = (match[1] as string).split(';').map(parseFoldedFrame);
    hasFiles ||= frames.some((frame) => frame.file !== undefined);
    rows.push({ frames, count: Number(match[2]) });
  }
  if (rows.length === 0)
    throw createInvalidProfileError('folded-stack file', fileName, 'it has no stacks');
  const builder = createProfileBuilder({ format: 'folded', valueKind: 'cpu', unit: 'samples' });
  for (const { frames, count } of rows) {
    const stack = frames.map(({ executing: _executing, ...frame }) =>
      builder.frame(
        hasFiles && frame.file === undefined && frame.kind === 'js'
          ? { ...frame, kind: 'native' }
          : frame,
      ),
    );
    builder.addSample(
      stack,
      count,
      frames.map((frame) => frame.executing ?? 0),
    );
  }
  return builder.finish({ meta: { stacks: rows.length } });
}

/** True when the first lines of the text are all `frames count` lines. */
/** Share of well-formed lines from which text is folded stacks with some bad lines. */
const MOSTLY_FOLDED = 0.8;

/**
 * `all`: every sampled line is `frames count`; `mostly`: at least 80 % are (the importer then
 * names the bad line); `no` otherwise.
 */
function looksFolded(prefix: string): 'all' | 'mostly' | 'no' {
  if (/^\s*[[{]/.test(prefix)) return 'no';
  const lines = prefix
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const sample = lines.slice(0, 50);
  if (sample.length === 0) return 'no';
  const good = sample.filter((l) => LINE.test(l.trimEnd())).length;
  if (good === sample.length) return 'all';
  return good > 0 && good / sample.length >= MOSTLY_FOLDED ? 'mostly' : 'no';
}

/** The folded/collapsed-stacks importer. */
export const foldedImporter: Importer = {
  format: 'folded',
  description:
    'folded/collapsed stacks (`a;b;c 42`): perf + stackcollapse-perf, py-spy --format raw, async-profiler collapsed',
  detect(fileName, bytes) {
    let prefix = textPrefix(bytes, 16384);
    if (bytes.byteLength <= 16384) prefix += '\n';
    const named = hasSuffix(fileName, '.folded', '.collapsed', '.collapsedstack.txt', '.stacks');
    const looks = looksFolded(prefix);
    // A file named as folded stacks is read as such even when empty or with bad lines, so the
    // error names the line (file:line) instead of "unknown profile format".
    if (named && !/^\s*[[{]/.test(prefix)) return 1;
    if (looks === 'no') return null;
    return looks === 'all' ? 0.6 : 0.3;
  },
  import(bytes, fileName) {
    return importFromFoldedStacks(Buffer.from(bytes).toString('utf8'), fileName);
  },
};
