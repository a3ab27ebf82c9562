// Chart labels stay inside the SVG frame (issue 13 §3): every <text> of every chart, placed from
// its x/y, anchor and transforms with an estimated width, lies inside its SVG's viewBox, for the
// synthetic audit's report and for charts built to push labels out (long names, markers at the
// edges, wide tick values, a deep plan with long relation names).
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/render-html.js';
import { renderBarChart } from '../../src/report/html/svg/bar-chart.js';
import { renderLineChart } from '../../src/report/html/svg/line-chart.js';
import { renderPlanTree } from '../../src/report/html/svg/plan-tree.js';
import { createReportModelFromAudit } from '../../src/report/model/create-from-audit.js';
import { createSyntheticAudit } from '../../src/results/__fixtures__/synthetic-audit.js';
import { findTextOutsideViewBox, placeSvgTexts } from '../helpers/svg-text.js';

const LONG = 'GET /categories/:slug/items?limit=20&offset=40 p95 latency (ms) of the stress ramp';

describe('chart labels inside the SVG frame', () => {
  it('the synthetic audit report draws every label inside its chart', () => {
    const html = renderHtml(createReportModelFromAudit(createSyntheticAudit()));
    expect(placeSvgTexts(html).length).toBeGreaterThan(50);
    expect(findTextOutsideViewBox(html)).toEqual([]);
  });

  it('keeps long, edge and wide labels inside', () => {
    const line = renderLineChart({
      id: 'edge',
      title: 'edge',
      xLabel: LONG,
      yLabel: LONG,
      yRightLabel: LONG,
      series: [
        {
          name: LONG,
          color: '#000',
          points: [
            [0, 1_234_567],
            [10, 2],
          ],
        },
        {
          name: `${LONG} 2`,
          color: '#111',
          points: [
            [0, 3],
            [10, 98_765],
          ],
          axis: 'right',
        },
        {
          name: 'third',
          color: '#222',
          points: [
            [0, 1],
            [10, 1],
          ],
        },
      ],
      markers: [
        { x: 0, label: 'knee at 0 users (first step)', color: '#D55E00' },
        { x: 10, label: 'knee at 1,000 users (last step)', color: '#D55E00' },
      ],
      formatX: (v) => `${v.toFixed(3)} seconds since start`,
      formatYRight: (v) => `${v.toLocaleString('en-US')} ms per request`,
    });
    const bars = renderBarChart({
      id: 'bars',
      title: 'bars',
      xLabel: LONG,
      yLabel: 'requests',
      bars: [
        { label: 'less than one millisecond', value: 5 },
        { label: 'one to two', value: 3 },
        { label: 'more than ten thousand milliseconds', value: 1 },
      ],
    });
    const leaf = {
      nodeType: 'Index Scan',
      selfMs: 12_345.6,
      flags: ['misestimate x1200', 'sort-spill', 'seq-scan'],
      children: [],
    };
    let node = {
      ...leaf,
      relation: 'a_table_with_a_very_long_name_for_reporting_purposes',
      index: 'its_index_with_an_even_longer_name_than_the_table',
    };
    for (let i = 0; i < 12; i++)
      node = {
        ...leaf,
        nodeType: 'Nested Loop',
        relation: node.relation,
        index: node.index,
        children: [node],
      } as typeof node;
    const plan = renderPlanTree({
      id: 'plan',
      title: 'plan',
      root: { ...node, rowsEstimated: 1e9, rowsActual: 123_456_789, loops: 10_000 },
    });
    for (const svg of [line, bars, plan]) expect(findTextOutsideViewBox(svg)).toEqual([]);
  });

  it('reports a label that runs out of the frame', () => {
    const svg =
      '<svg viewBox="0 0 100 50"><text x="90" y="20">far too long</text><g transform="translate(0 40)"><text x="5" y="12">low</text></g></svg>';
    expect(findTextOutsideViewBox(svg)).toEqual([
      'chart svg: "far too long" spans x 90..168, y 10..23 outside 0 0 100 50',
      'chart svg: "low" spans x 5..25, y 42..55 outside 0 0 100 50',
    ]);
  });
});
