/** Sorts frames into categories (app, dependency by package, Node core, native, GC, idle, program). */
import { isRedlineInProcessFile, REDLINE_PACKAGE } from '../../util/redline-files.js';
import { fileUrlToPath } from '../../util/source-map.js';
import type { ProfileFrame } from '../model/profile.js';
import { categorizeGoFrame, categorizeJvmName, isGoFrame, isJvmFrame } from './runtime-frames.js';

/** Where time goes: the user's code, a dependency, the runtime's own libraries, or runtime buckets (GC, idle). */
export type FrameCategory = 'app' | 'dependency' | 'core' | 'native' | 'gc' | 'idle' | 'program';

/** A frame's category; `pkg` names the dependency (npm, pip, Go module, Java library) when there is one. */
export interface CategoryInfo {
  category: FrameCategory;
  pkg?: string;
}

// `(?:^|/)`: display paths are relative to the working directory (`node_modules/yaml/...`).
const NODE_MODULES = /(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/g;
const SITE_PACKAGES = /[\\/](?:site|dist)-packages[\\/]([^\\/]+)/;
const GO_MODULE = /[\\/]pkg[\\/]mod[\\/](.+?)@/;
const PYTHON_STDLIB = /[\\/]lib[\\/]python\d(\.\d+)?[\\/]/;
const GO_STDLIB = /[\\/]go[\\/]src[\\/]|^\$GOROOT/;

/** True for Node's own modules: `node:fs`, and old-style `internal/...` or `events.js` URLs. */
export function isNodeCoreFile(file: string): boolean {
  return file.startsWith('node:') || /^internal[\\/]/.test(file) || /^[a-z_]+\.js$/.test(file);
}

/** The last `node_modules` package in a path (`@scope/name` kept whole). */
export function packageOfPath(path: string): string | undefined {
  let last: string | undefined;
  for (const match of path.matchAll(NODE_MODULES)) last = match[1]?.replace(/\\/g, '/');
  if (last) return last;
  return SITE_PACKAGES.exec(path)?.[1] ?? GO_MODULE.exec(path)?.[1];
}

/**
 * Categorises one frame. Frames of kind js without a file count as app code; Go (`.go`) and JVM
 * frames are sorted by package (standard library, module or library, the user's code).
 */
export function categorizeFrame(frame: ProfileFrame): CategoryInfo {
  if (frame.kind !== 'js') return { category: frame.kind };
  if (isGoFrame(frame)) return categorizeGoFrame(frame);
  if (isJvmFrame(frame)) return categorizeJvmName(frame.name);
  const file = frame.file;
  if (file === undefined) return { category: 'app' };
  if (isNodeCoreFile(file) || file.startsWith('<frozen ')) return { category: 'core' };
  // WebAssembly (e.g. PGlite's Postgres): compiled code loaded by some package, never a line of
  // the user's own source; its time is charged to the JavaScript that called it.
  if (file.startsWith('wasm://')) return { category: 'native' };
  const path = fileUrlToPath(file);
  // Redline's probe runs inside the profiled process: its frames are never the user's hot code or
  // allocation sites (their time goes to the user's line that called into it).
  if (isRedlineInProcessFile(path)) return { category: 'dependency', pkg: REDLINE_PACKAGE };
  const pkg = packageOfPath(path);
  if (pkg) return { category: 'dependency', pkg };
  if (PYTHON_STDLIB.test(path) || GO_STDLIB.test(path)) return { category: 'core' };
  return { category: 'app' };
}
