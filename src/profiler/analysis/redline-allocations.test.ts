// Live-heap sites never charge the probe's own retained memory to the application's line.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { V8HeapProfileNode } from '../import/heapprofile.js';
import { withoutRedlineAllocations } from './redline-allocations.js';

const PROBE_FILE = pathToFileURL(join(import.meta.dirname, '../../probe/recorder.ts')).href;

function node(
  id: number,
  functionName: string,
  url: string,
  selfSize: number,
  children: V8HeapProfileNode[] = [],
): V8HeapProfileNode {
  return {
    id,
    selfSize,
    children,
    callFrame: { functionName, url, scriptId: '1', lineNumber: 2, columnNumber: 4 },
  };
}

describe('withoutRedlineAllocations', () => {
  it("drops what was allocated under the probe's frames and keeps the application's own", () => {
    const profile = {
      head: node(1, '(root)', '', 0, [
        node(2, 'sign', 'file:///srv/app/util/jwt.js', 120, [
          node(3, 'beginQuery', PROBE_FILE, 4000, [node(4, 'set', '', 900)]),
          node(5, 'stringify', '', 64),
        ]),
      ]),
    };
    const app = withoutRedlineAllocations(profile).head.children[0];
    expect(app?.callFrame.functionName).toBe('sign');
    expect(app?.selfSize).toBe(120);
    expect(app?.children.map((c) => c.callFrame.functionName)).toEqual(['stringify']);
  });

  it('healthy: a profile without Redline frames is unchanged', () => {
    const profile = {
      head: node(1, '(root)', '', 0, [node(2, 'load', 'file:///srv/app/cache.js', 800)]),
    };
    expect(withoutRedlineAllocations(profile)).toEqual(profile);
  });
});
