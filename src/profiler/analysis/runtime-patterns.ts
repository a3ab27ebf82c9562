/**
 * Root-cause patterns of Go, JVM and Python profiles: frames below the user's hot line that
 * explain it, with the runtime's own fix. Node.js patterns live in patterns.ts.
 */
import type { RootCausePattern } from './patterns.js';
import { jvmClassOf } from './runtime-frames.js';

/** Go allocation entry points: every heap allocation goes through one of them. */
const GO_ALLOC =
  /^runtime\.(mallocgc|newobject|makeslice|makeslicecopy|growslice|makemap|makemap_small|mapassign\w*|hashGrow|concatstrings|concatstring\d|rawstring\w*|rawbyteslice|rawruneslice|slicebytetostring|stringtoslicebyte|convT\w*|convTstring|convTslice|newarray|mallocgc\w*)$/;

const GO_PATTERNS: RootCausePattern[] = [
  {
    id: 'cpu.regex-compile',
    runtime: 'go',
    area: 'cpu',
    title: 'Regular expression compiled on every call',
    rootCause:
      'regexp.Compile/MustCompile runs inside the request path, so the pattern is parsed and compiled again for every call.',
    recommendation: {
      text: 'Compile the pattern once at package level (var re = regexp.MustCompile(...)) and reuse it; *regexp.Regexp is safe for concurrent use.',
      effort: 'low',
      diff: {
        before: 'ok := regexp.MustCompile(`^[a-z]+$`).MatchString(name)',
        after:
          'var namePattern = regexp.MustCompile(`^[a-z]+$`) // package level\nok := namePattern.MatchString(name)',
        language: 'go',
      },
    },
    matchFrame: (frame) =>
      /^regexp\.(MustCompile|Compile|MustCompilePOSIX|CompilePOSIX|compile)$/.test(frame.name),
  },
  {
    id: 'cpu.json',
    runtime: 'go',
    area: 'cpu',
    title: 'Large JSON encoding or decoding on the request path',
    rootCause:
      'encoding/json works by reflection and allocates for every value: marshalling or unmarshalling large values costs CPU proportional to their size.',
    recommendation: {
      text: 'Send and parse less (paginate, select fields), cache encoded responses that rarely change, stream with json.NewEncoder(w), or use a code-generating or faster encoder.',
      effort: 'medium',
    },
    matchFrame: (frame) =>
      /^encoding\/json\.(Marshal|MarshalIndent|Unmarshal|\(\*Encoder\)\.Encode|\(\*Decoder\)\.Decode|\(\*encodeState\)\.marshal|\(\*decodeState\)\.unmarshal)$/.test(
        frame.name,
      ),
  },
  {
    id: 'go.lock-spin',
    runtime: 'go',
    area: 'cpu',
    title: 'CPU spent acquiring a contended lock',
    rootCause:
      'Goroutines spin and park on the same sync.Mutex/RWMutex (sync.(*Mutex).lockSlow, runtime.semacquire): the lock is held across too much work for the request rate.',
    recommendation: {
      text: 'Hold the lock for less (copy what you need, then unlock before slow work), shard the protected state, use sync.RWMutex for read-mostly data or atomic values; the mutex profile (--pprof-types mutex) shows who holds it.',
      effort: 'medium',
    },
    matchFrame: (frame) =>
      /^(sync\.\(\*(Mutex|RWMutex)\)\.(lockSlow|Lock|RLock|rUnlockSlow|unlockSlow)|runtime\.(semacquire\w*|sync_runtime_Semacquire\w*))$/.test(
        frame.name,
      ),
  },
  {
    id: 'go.alloc',
    runtime: 'go',
    area: 'memory',
    title: 'Allocation-heavy code (runtime.mallocgc)',
    rootCause:
      'This line allocates on the heap on every call (new objects, growing slices and maps, string concatenation, values boxed into interfaces): each allocation is a runtime.mallocgc call and feeds the garbage collector, which then steals CPU through mark assists.',
    recommendation: {
      text: 'Allocate less per call: size slices and maps up front (make([]T, 0, n)), reuse buffers with sync.Pool, build strings with strings.Builder, avoid converting to interface{} in hot loops. `go build -gcflags=-m` shows what escapes to the heap.',
      effort: 'medium',
      diff: {
        before: 'var out []Item\nfor _, r := range rows { out = append(out, toItem(r)) }',
        after:
          'out := make([]Item, 0, len(rows))\nfor _, r := range rows { out = append(out, toItem(r)) }',
        language: 'go',
      },
    },
    matchFrame: (frame) => GO_ALLOC.test(frame.name),
  },
];

const JVM_PATTERNS: RootCausePattern[] = [
  {
    id: 'cpu.regex-compile',
    runtime: 'jvm',
    area: 'cpu',
    title: 'Regular expression compiled on every call',
    rootCause:
      'java.util.regex.Pattern.compile runs for every call: String.split (with a regex of more than one character), String.replaceAll, String.matches and Pattern.matches all compile their pattern each time.',
    recommendation: {
      text: 'Compile once into a static final Pattern and reuse it (Pattern is thread-safe; Matcher is not).',
      effort: 'low',
      diff: {
        before: 'boolean ok = input.matches("[a-z]+\\\\d*");',
        after:
          'private static final Pattern NAME = Pattern.compile("[a-z]+\\\\d*");\nboolean ok = NAME.matcher(input).matches();',
        language: 'java',
      },
    },
    matchFrame: (frame) =>
      /^java[./]util[./]regex[./]Pattern\.(compile|<init>)$/.test(frame.name.replace(/\//g, '.')),
  },
  {
    id: 'jvm.exceptions',
    runtime: 'jvm',
    area: 'cpu',
    title: 'Exceptions thrown on a hot path',
    rootCause:
      'Creating a Throwable walks the whole stack (Throwable.fillInStackTrace): exceptions used for control flow or validation cost CPU on every request.',
    recommendation: {
      text: 'Do not throw for expected outcomes (return a result or Optional instead); for unavoidable ones, reuse a preallocated exception or disable its stack trace (the four-argument Throwable constructor).',
      effort: 'medium',
    },
    matchFrame: (frame) => /^java[./]lang[./]Throwable\.fillInStackTrace$/.test(frame.name),
  },
  {
    id: 'cpu.json',
    runtime: 'jvm',
    area: 'cpu',
    title: 'Large JSON serialisation or parsing on the request path',
    rootCause:
      'Jackson/Gson serialise or parse large values on every call; the cost grows with the payload.',
    recommendation: {
      text: 'Reuse one ObjectMapper (or ObjectWriter/ObjectReader) per type, send less (paginate, select fields), cache serialised responses that rarely change, or stream large payloads.',
      effort: 'medium',
    },
    matchFrame: (frame) => {
      const cls = jvmClassOf(frame.name.replace(/\//g, '.'));
      return /^com\.fasterxml\.jackson\.databind\.(ObjectMapper|ObjectWriter|ObjectReader)$|^com\.google\.gson\.Gson$/.test(
        cls,
      );
    },
  },
  {
    id: 'cpu.logging',
    runtime: 'jvm',
    area: 'cpu',
    title: 'Logging in a hot path',
    rootCause:
      'Log formatting and synchronous appenders (console and file appenders flush on the request thread) cost CPU on every request.',
    recommendation: {
      text: 'Lower the level on hot paths, guard expensive messages (logger.isDebugEnabled() or parameterised messages), and use an async appender (logback AsyncAppender, log4j2 async loggers).',
      effort: 'low',
    },
    matchFrame: (_frame, info) =>
      info.pkg === 'ch.qos.logback' ||
      info.pkg === 'org.apache.logging' ||
      info.pkg === 'org.slf4j' ||
      /^java[./]util[./]logging[./]/.test(_frame.name),
  },
];

const PYTHON_PATTERNS: RootCausePattern[] = [
  {
    id: 'cpu.json',
    runtime: 'python',
    area: 'cpu',
    title: 'Large JSON serialisation or parsing on the request path',
    rootCause:
      'The standard json module encodes and decodes large values in the request thread, holding the GIL for most of it; the cost grows with the payload.',
    recommendation: {
      text: 'Send less (paginate, select fields), cache encoded responses that rarely change, or use a compiled encoder such as orjson.',
      effort: 'medium',
    },
    matchFrame: (frame) =>
      /[\\/]json[\\/](encoder|decoder|__init__)\.py$/.test(frame.file ?? '') &&
      /^(dumps|loads|encode|decode|iterencode|raw_decode|_iterencode\w*)$/.test(frame.name),
  },
  {
    id: 'cpu.logging',
    runtime: 'python',
    area: 'cpu',
    title: 'Logging in a hot path',
    rootCause:
      'logging formats records and writes them synchronously (handlers take a lock and flush) in the request thread.',
    recommendation: {
      text: 'Lower the level on hot paths, pass arguments instead of pre-formatted strings (log.debug("x=%s", x)), and log through a QueueHandler/QueueListener so writes leave the request thread.',
      effort: 'low',
    },
    matchFrame: (frame) => /[\\/]logging[\\/](__init__|handlers)\.py$/.test(frame.file ?? ''),
  },
  {
    id: 'cpu.regex-compile',
    runtime: 'python',
    area: 'cpu',
    title: 'Regular expressions compiled on the request path',
    rootCause:
      'The re module compiles patterns again when its cache (512 entries) misses: patterns built per call (formatted into the pattern string) are compiled every time.',
    recommendation: {
      text: 'Compile fixed patterns once at module level (NAME = re.compile(...)); escape variable parts into the input, not the pattern.',
      effort: 'low',
    },
    matchFrame: (frame) =>
      /[\\/](re[\\/]_compiler|sre_compile|re[\\/]_parser|sre_parse)\.py$/.test(frame.file ?? ''),
  },
];

/** Go, JVM and Python patterns, each checked only against profiles of its runtime. */
export const RUNTIME_PATTERNS: readonly RootCausePattern[] = [
  ...GO_PATTERNS,
  ...JVM_PATTERNS,
  ...PYTHON_PATTERNS,
];
