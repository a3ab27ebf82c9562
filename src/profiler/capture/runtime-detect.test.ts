// Which profiler `redline profile` uses for a target, and how --pprof values are read.
import { describe, expect, it } from 'vitest';
import { parsePprofTypes, pprofBaseUrl } from './pprof-http.js';
import { detectRuntime, runtimeOfCommand } from './runtime-detect.js';

describe('runtime detection', () => {
  it('goes by the program: java, Python launchers and servers, else Node', () => {
    expect(runtimeOfCommand(['java', '-jar', 'app.jar'])).toBe('jvm');
    expect(runtimeOfCommand(['/usr/lib/jvm/java-17/bin/java', 'App'])).toBe('jvm');
    for (const py of [
      'python',
      'python3',
      'python3.11',
      'gunicorn',
      'uvicorn',
      '/srv/venv/bin/flask',
    ])
      expect(runtimeOfCommand([py, 'x'])).toBe('python');
    for (const node of ['node', 'npm', 'tsx', './server'])
      expect(runtimeOfCommand([node])).toBe('node');
  });
  it('--pprof means Go, --runtime wins over the command, and they must agree', () => {
    expect(detectRuntime({ command: [], pprof: 'http://h/debug/pprof/profile' })).toBe('go');
    expect(detectRuntime({ command: ['./launcher.sh'], runtime: 'java' })).toBe('jvm');
    expect(() => detectRuntime({ command: [], pprof: 'http://h/', runtime: 'python' })).toThrow(
      /Go services only/,
    );
    expect(() => detectRuntime({ command: [], runtime: 'ruby' })).toThrow(/unknown runtime/);
    expect(detectRuntime({ command: [], attach: String(process.pid) })).toBe('node');
  });
});

describe('--pprof values', () => {
  it('finds the /debug/pprof/ base from the profile URL, the folder or the host', () => {
    expect(pprofBaseUrl('http://127.0.0.1:6060/debug/pprof/profile')).toBe(
      'http://127.0.0.1:6060/debug/pprof/',
    );
    expect(pprofBaseUrl('http://127.0.0.1:6060/debug/pprof')).toBe(
      'http://127.0.0.1:6060/debug/pprof/',
    );
    expect(pprofBaseUrl('http://127.0.0.1:6060')).toBe('http://127.0.0.1:6060/debug/pprof/');
    expect(pprofBaseUrl('http://h/internal/pprof/profile?seconds=5')).toBe(
      'http://h/internal/pprof/',
    );
    expect(() => pprofBaseUrl('not a url')).toThrow(/is not a URL/);
  });
  it('always fetches the CPU profile and rejects unknown types', () => {
    expect(parsePprofTypes('mutex,block')).toEqual(['cpu', 'mutex', 'block']);
    expect(parsePprofTypes(undefined)).toEqual(['cpu']);
    expect(() => parsePprofTypes('cpu,threads')).toThrow(/unknown pprof type: threads/);
  });
});
