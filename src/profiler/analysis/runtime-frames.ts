/**
 * What a frame is in Go, JVM and Python profiles: the runtime's own code (GC, scheduler, standard
 * library), a dependency (Go module, Java library, pip package) or the user's code; and which
 * runtime a profile came from when the importer could not say.
 */
import type { Profile, ProfiledRuntime, ProfileFrame } from '../model/profile.js';
import type { CategoryInfo } from './categorize.js';

/**
 * Go runtime functions that are garbage-collector work: background mark workers, mark assists
 * charged to allocating goroutines, marking and scanning, sweeping and scavenging. A sample with
 * any of them on its stack is GC time (the leaf may be a small helper such as `spanOf`).
 */
const GO_GC = new Set([
  'runtime.gcBgMarkWorker',
  'runtime.gcDrain',
  'runtime.gcDrainN',
  'runtime.gcDrainMarkWorkerDedicated',
  'runtime.gcDrainMarkWorkerIdle',
  'runtime.gcDrainMarkWorkerFractional',
  'runtime.gcAssistAlloc',
  'runtime.gcAssistAlloc1',
  'runtime.scanobject',
  'runtime.scanblock',
  'runtime.scanstack',
  'runtime.scanframeworker',
  'runtime.markroot',
  'runtime.markrootBlock',
  'runtime.markrootSpans',
  'runtime.greyobject',
  'runtime.wbBufFlush',
  'runtime.wbBufFlush1',
  'runtime.bgsweep',
  'runtime.bgscavenge',
  'runtime.sweepone',
  'runtime.(*sweepLocked).sweep',
  'runtime.(*mspan).sweep',
  'runtime.gcMarkDone',
  'runtime.gcMarkTermination',
  'runtime.gcStart',
  'runtime.gcSweep',
  'runtime.(*scavengerState).run',
  'runtime.(*pageAlloc).scavenge',
  'runtime.GC',
]);

/** True for a Go runtime function that is garbage-collector work. */
export function isGoGcFunction(name: string): boolean {
  return GO_GC.has(name);
}

/** Go scheduler functions: finding, switching and parking goroutines. */
export const GO_SCHEDULER =
  /^runtime\.(schedule|findRunnable|findrunnable|stealWork|runqgrab|runqsteal|park_m|mcall|gopark|goready|ready|goschedImpl|gosched_m|Gosched|execute|wakep|startm|stopm|notesleep|notewakeup|futexsleep|futexwakeup|futex|usleep|osyield|netpoll|checkTimers|runtimer|resetspinning|handoffp|injectglist|goexit0|gfget|gfput|newproc1?|casgstatus|exitsyscall\w*|entersyscall\w*)$/;

/** JDK packages (java.base and the JDK's own modules). */
const JVM_CORE = /^(java|javax|jdk|sun|com\.sun|jdk\.internal)\./;

/** Well-known library package prefixes (shown as the dependency's name). */
const JVM_LIBRARIES = [
  'org.springframework',
  'io.netty',
  'com.fasterxml.jackson',
  'com.google.gson',
  'com.google.common',
  'com.google.protobuf',
  'io.grpc',
  'org.apache.catalina',
  'org.apache.tomcat',
  'org.apache.coyote',
  'org.apache.commons',
  'org.apache.logging',
  'org.apache.kafka',
  'org.apache.http',
  'org.hibernate',
  'ch.qos.logback',
  'org.slf4j',
  'org.eclipse.jetty',
  'io.undertow',
  'org.jboss',
  'io.vertx',
  'io.quarkus',
  'io.micronaut',
  'io.micrometer',
  'reactor',
  'kotlin',
  'kotlinx',
  'scala',
  'akka',
  'com.zaxxer.hikari',
  'org.postgresql',
  'com.mysql',
  'org.mariadb',
  'redis.clients',
  'io.lettuce',
  'okhttp3',
  'com.squareup',
  'org.yaml',
  'com.github.benmanes.caffeine',
  'net.bytebuddy',
  'org.aspectj',
  'org.glassfish',
  'jakarta',
  'io.opentelemetry',
];

/** The Java class of a JVM frame name (`com.acme.Shop.total` → `com.acme.Shop`). */
export function jvmClassOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Category of a JVM method by its class's package. */
export function categorizeJvmName(name: string): CategoryInfo {
  const dotted = name.replace(/\//g, '.');
  if (JVM_CORE.test(dotted)) return { category: 'core' };
  const pkg = JVM_LIBRARIES.find((p) => dotted.startsWith(`${p}.`));
  return pkg ? { category: 'dependency', pkg } : { category: 'app' };
}

/** The Go package path of a function name (`net/http.(*conn).serve` → `net/http`). */
export function goPackageOf(name: string): string {
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot > 0 ? name.slice(0, dot) : name;
}

/** True for Go's standard library: no dot in the first path element (`net/http`, `runtime`). */
function isGoStdPackage(pkg: string): boolean {
  const first = pkg.split('/')[0] ?? '';
  return !first.includes('.') && first !== 'main';
}

/** A Go module path from a file under the module cache (`…/pkg/mod/mod@v1.2.3/...`). */
const GO_MODULE_CACHE = /[\\/]pkg[\\/]mod[\\/]([^@]+?)@v[^\\/]+[\\/]/;
/** The same in a -trimpath build, where paths start with the module (`mod@v1.2.3/...`). */
const GO_MODULE_TRIMMED = /^([^@/\\][^@]*?)@v[^\\/]+[\\/]/;

/** Category of a Go frame (file ends in `.go`). */
export function categorizeGoFrame(frame: ProfileFrame): CategoryInfo {
  if (GO_GC.has(frame.name)) return { category: 'gc' };
  const file = frame.file ?? '';
  const module = (GO_MODULE_CACHE.exec(file) ?? GO_MODULE_TRIMMED.exec(file))?.[1];
  if (module) return { category: 'dependency', pkg: module.replace(/\\/g, '/') };
  const vendored = /[\\/]vendor[\\/](.+)[\\/][^\\/]+\.go$/.exec(file)?.[1];
  if (vendored) return { category: 'dependency', pkg: vendored };
  if (/[\\/]go[\\/]src[\\/]|^\$GOROOT/.test(file)) return { category: 'core' };
  const pkg = goPackageOf(frame.name);
  // Absolute paths outside GOROOT are the user's checkout; relative ones (-trimpath) name the package.
  if (isGoStdPackage(pkg) && (!file.startsWith('/') || frame.name.startsWith('runtime.')))
    return { category: 'core' };
  return { category: 'app' };
}

/** True when a frame belongs to a Go program (a `.go` file, or Go assembly such as `runtime.memmove`). */
export function isGoFrame(frame: ProfileFrame): boolean {
  const file = frame.file;
  if (file === undefined) return false;
  return file.endsWith('.go') || (file.endsWith('.s') && /^[\w./-]+\.[\w(*)]+/.test(frame.name));
}

/** True when a frame is a JVM method (our JFR import names files `pkg/Class.java`). */
export function isJvmFrame(frame: ProfileFrame): boolean {
  if (frame.file !== undefined) return /\.(java|kt|scala)$/.test(frame.file);
  // async-profiler collapsed output: `java/util/HashMap.get`, `com/acme/Shop.total`.
  return /^[a-z][\w$]*(\/[\w$]+)+\.[\w$<>]+$/.test(frame.name);
}

/** Standard-library functions that do network or file I/O, per runtime (by name). */
const IO_FUNCTIONS: Record<Exclude<ProfiledRuntime, 'node'>, RegExp> = {
  go: /^(net|net\/http|internal\/poll|syscall|os|bufio|crypto\/tls|io)\.(\(\*?\w+\)\.)?(Write\w*|Read\w*|Flush|Copy\w*|Sendfile|writeBuffers|readRequest|finishRequest|Syscall\w*|write|read|sendFile|serve)$/,
  jvm: /^(java\.net\.|java\.nio\.channels\.|sun\.nio\.ch\.|sun\.net\.|java\.io\.\w*(Stream|Writer|Reader)\.|javax\.net\.ssl\.|sun\.security\.ssl\.)/,
  python:
    /^(sendall|send|recv|recv_into|readinto|readline|write|flush|_write_\w*|finish|handle_one_request|parse_request|makefile|accept|select|poll|end_headers|flush_headers|send_response|send_header|send_response_only|sendfile)$/,
};

/** True when a standard-library function does I/O (its time is the cost of I/O, not a hot spot). */
export function isRuntimeIoFunction(name: string, runtime: ProfiledRuntime): boolean {
  if (runtime === 'node') return true;
  return IO_FUNCTIONS[runtime].test(runtime === 'jvm' ? name.replace(/\//g, '.') : name);
}

const PYTHON_FILE = /\.py[cw]?$|^<frozen /;

/**
 * The runtime of a profile: what the importer said, else the language most of its frames'
 * files are in (`.go`, `.java`, `.py`), else Node.js.
 */
export function inferRuntime(profile: Profile): ProfiledRuntime {
  if (profile.runtime) return profile.runtime;
  const votes: Record<ProfiledRuntime, number> = { node: 0, go: 0, jvm: 0, python: 0 };
  for (const frame of profile.frames) {
    if (isGoFrame(frame)) votes.go += 1;
    else if (isJvmFrame(frame)) votes.jvm += 1;
    else if (frame.file !== undefined && PYTHON_FILE.test(frame.file)) votes.python += 1;
    else if (frame.file !== undefined) votes.node += 1;
  }
  const best = (Object.entries(votes) as Array<[ProfiledRuntime, number]>).sort(
    (a, b) => b[1] - a[1],
  )[0];
  return best && best[1] > 0 ? best[0] : 'node';
}
