// Names for wasm-function[N] frames from a module's name section. The modules are assembled here
// byte by byte (WebAssembly binary format 1): an imported function (index 0) and a defined
// function (index 1) that counts down a loop; one build carries a name section, one does not.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfileFile, readWasmModules } from '../analysis/analyze-file.js';
import { profileTarget } from '../capture/profile-target.js';
import { renderProfileViews } from '../export/write-capture.js';
import { importProfileFile } from '../import/registry.js';
import { nameWasmFrames, readWasmNames } from './wasm-names.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-wasm-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const text = (s: string) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** (import "env" "tick" (func)) (func $hot_spin (param i32) (result i32) loop … ) (export "spin"). */
function assemble(withNames: boolean): Uint8Array {
  const types = section(1, [2, 0x60, 0, 0, 0x60, 1, 0x7f, 1, 0x7f]);
  const imports = section(2, [1, ...text('env'), ...text('tick'), 0x00, 0]);
  const funcs = section(3, [1, 1]);
  const exports = section(7, [1, ...text('spin'), 0x00, 1]);
  // local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 0 (in a loop); local.get 0
  const code = [0, 0x03, 0x40, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x20, 0, 0x0b];
  const codes = section(10, [1, ...uleb(code.length), ...code]);
  const names = section(0, [
    ...text('name'),
    ...section(0, text('shop')),
    ...section(1, [2, 0, ...text('env_tick'), 1, ...text('hot_spin')]),
  ]);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...types,
    ...imports,
    ...funcs,
    ...exports,
    ...codes,
    ...(withNames ? names : []),
  ]);
}

describe('wasm name section', () => {
  it('reads the module and function names, and none from a stripped module', () => {
    const names = readWasmNames(assemble(true));
    expect(names.module).toBe('shop');
    expect([...names.functions]).toEqual([
      [0, 'env_tick'],
      [1, 'hot_spin'],
    ]);
    expect(readWasmNames(assemble(false)).functions.size).toBe(0);
  });

  it('refuses a file that is not a module, and a cut one with the byte', () => {
    expect(() => readWasmNames(Buffer.from('not wasm'), 'x.wasm')).toThrow(
      /x\.wasm is not a WebAssembly module/,
    );
    expect(() => readWasmNames(assemble(true).subarray(0, 70), 'cut.wasm')).toThrow(
      /cut\.wasm: section \d+ runs past the end of the module \(at byte \d+\)/,
    );
  });

  it('names the frames of a stripped module profiled by V8 from its build with names', async () => {
    writeFileSync(join(dir, 'stripped.wasm'), assemble(false));
    writeFileSync(join(dir, 'named.wasm'), assemble(true));
    // A bounded run (≤ 1.5 s of spinning) of the stripped module under V8's CPU profiler.
    writeFileSync(
      join(dir, 'spin.mjs'),
      `import { readFileSync } from 'node:fs';
const m = new WebAssembly.Module(readFileSync(${JSON.stringify(join(dir, 'stripped.wasm'))}));
const i = new WebAssembly.Instance(m, { env: { tick() {} } });
const end = Date.now() + 1500;
while (Date.now() < end) i.exports.spin(200000);
`,
    );
    execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, join(dir, 'spin.mjs')], {
      timeout: 60_000,
    });
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!);
    const raw = await importProfileFile(file);
    expect(raw.frames.some((f) => f.name === 'wasm-function[1]')).toBe(true);

    // The flame graph `redline analyze --wasm named.wasm --flamegraph` writes shows the name.
    const named = await loadProfileFile(file, { wasm: [join(dir, 'named.wasm')] });
    expect(named.frames.some((f) => f.name === 'hot_spin')).toBe(true);
    const html = renderProfileViews(named, 'spin').flamegraph;
    expect(html).toContain('hot_spin');
    expect(html).not.toContain('wasm-function[1]');
    expect(renderProfileViews(raw, 'spin').flamegraph).toContain('wasm-function[1]');
    // A module whose name is not in the frame's URL, beside another, names nothing.
    const other = { module: 'other', functions: new Map([[1, 'elsewhere']]) };
    const again = await importProfileFile(file);
    expect(nameWasmFrames(again, [other, { ...other, module: 'third' }])).toBe(0);
  }, 90_000);

  it('names them in `redline profile` too (a live capture of a service running the stripped module)', async () => {
    // The modules written by the test above; a service spinning the stripped one per request.
    const service = `import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const i = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(${JSON.stringify(join(dir, 'stripped.wasm'))})), { env: { tick() {} } });
createServer((_req, res) => res.end(String(i.exports.spin(3000000)))).listen(Number(process.env.PORT ?? 0), '127.0.0.1');
`;
    writeFileSync(join(dir, 'wasm-service.mjs'), service);
    const wasm = await readWasmModules([join(dir, 'named.wasm')]);
    // Bounded: 40 requests or 3 s, one at a time.
    const load = async (url: string) => {
      const end = Date.now() + 3000;
      for (let n = 0; n < 40 && Date.now() < end; n++) await (await fetch(url)).text();
    };
    const result = await profileTarget({
      target: { command: [process.execPath, join(dir, 'wasm-service.mjs')] },
      load,
      capture: { heapChecks: false },
      wasm,
      startupTimeoutMs: 60_000,
    });
    const names = result.analysis.cpuProfile.frames.map((f) => f.name);
    expect(names).toContain('hot_spin');
    expect(names).not.toContain('wasm-function[1]');
    // The flame graph `redline profile` writes shows the name.
    const html = renderProfileViews(result.analysis.cpuProfile, 'live').flamegraph;
    expect(html).toContain('hot_spin');
    expect(html).not.toContain('wasm-function[1]');
  }, 120_000);
});
