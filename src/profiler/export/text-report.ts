/** Plain-text report of an analysis for the terminal: hot spots, categories, diagnosis, findings. */
import type { Finding } from '../../findings/finding.js';
import { formatBytes, formatPercent } from '../../util/units.js';
import type { ProfileAnalysis } from '../analysis/analyze.js';
import type { CaptureAnalysis } from '../analysis/capture-analysis.js';
import { formatWhere } from '../analysis/cpu-findings.js';
import { isRecordingAnalysis, type RecordingAnalysis } from '../analysis/recording-analysis.js';
import type { Hotspot, ProfileTables } from '../analysis/tables.js';

const pct = (share: number): string => formatPercent(share, 1).padStart(6);

function amount(tables: ProfileTables, weight: number, ms?: number): string {
  if (ms !== undefined) return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
  return tables.unit === 'bytes' ? formatBytes(weight) : `${Math.round(weight)} ${tables.unit}`;
}

function hotspotLine(tables: ProfileTables, hotspot: Hotspot, rank: number): string {
  const via = hotspot.via[0] ? ` → ${hotspot.via[0].name}` : '';
  const cause = hotspot.patternId ? `  [${hotspot.patternId}]` : '';
  return `  ${String(rank).padStart(2)}  ${pct(hotspot.share)}  ${amount(tables, hotspot.weight, hotspot.ms).padStart(9)}  ${formatWhere(hotspot)}  ${hotspot.functionName}${via}${cause}`;
}

/** The tables part: hot spots (your code), categories, packages, functions and lines. */
export function renderTablesText(tables: ProfileTables, top = 10): string {
  const out: string[] = [];
  const what =
    tables.valueKind === 'cpu' || tables.valueKind === 'wall'
      ? `${tables.valueKind.toUpperCase()} time`
      : tables.valueKind === 'contention'
        ? 'lock and channel wait time'
        : tables.valueKind === 'goroutines'
          ? 'goroutines'
          : 'bytes';
  const idle = tables.idle > 0 ? `; idle ${formatPercent(tables.idleShare, 1)} excluded` : '';
  if (tables.hotspots.length > 0) {
    out.push(`Hot spots in your code (share of ${what}${idle}):`);
    for (const [i, h] of tables.hotspots.slice(0, top).entries())
      out.push(hotspotLine(tables, h, i + 1));
  }
  if (tables.categories.length > 0) {
    out.push(
      `By category: ${tables.categories.map((c) => `${c.category} ${formatPercent(c.share, 1)}`).join(' · ')}`,
    );
  }
  if (tables.packages.length > 0) {
    out.push(
      `By package: ${tables.packages
        .slice(0, 5)
        .map((p) => `${p.name} ${formatPercent(p.share, 1)}`)
        .join(' · ')}`,
    );
  }
  out.push(
    tables.valueKind === 'heap-objects' || tables.valueKind === 'heap-growth'
      ? 'By constructor:'
      : 'Functions (self, native time charged to the caller):',
  );
  for (const row of tables.functions.slice(0, top)) {
    const where = row.file ? `  ${row.file}${row.line ? `:${row.line}` : ''}` : '';
    out.push(
      `  ${pct(row.selfShare)}  ${amount(tables, row.self, row.selfMs).padStart(9)}  ${row.name}${where}  (${row.pkg ?? row.category})`,
    );
  }
  if (tables.lines.length > 0) {
    out.push('Lines (self):');
    for (const row of tables.lines.slice(0, Math.min(top, 5)))
      out.push(`  ${pct(row.share)}  ${row.file}:${row.line}  ${row.name}`);
  }
  return out.join('\n');
}

/** One finding: severity, title, then why and the fix. */
export function renderFindingText(finding: Finding): string {
  const lines = [`  [${finding.severity}] ${finding.title}  (${finding.id})`];
  if (finding.impact) lines.push(`      impact: ${finding.impact.description}`);
  lines.push(`      why: ${finding.rootCause}`);
  lines.push(`      fix: ${finding.recommendation.text}`);
  return lines.join('\n');
}

/** Findings section (or a line saying there are none). */
export function renderFindingsText(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'Findings: none above the thresholds.';
  return ['Findings (most important first):', ...findings.map(renderFindingText)].join('\n');
}

const RUNTIME_NAMES = { node: 'Node.js', go: 'Go', jvm: 'JVM', python: 'Python' } as const;

/** A recording (Go, JVM, Python): CPU tables, the other views' hot spots, pauses, notes, findings. */
export function renderRecordingText(analysis: RecordingAnalysis, top = 10): string {
  const parts = [
    `Recording: ${RUNTIME_NAMES[analysis.runtime]} (${analysis.source}), window ${(analysis.durationMs / 1000).toFixed(1)} s`,
  ];
  if (analysis.tables.total > 0) parts.push(renderTablesText(analysis.tables, top));
  for (const view of analysis.views) {
    const rows = view.analysis.tables.hotspots.slice(0, Math.min(top, 5));
    if (rows.length === 0) continue;
    parts.push(
      [
        `${view.kind} (${view.source}):`,
        ...rows.map((h, i) => hotspotLine(view.analysis.tables, h, i + 1)),
      ].join('\n'),
    );
  }
  if (analysis.pauses) {
    const p = analysis.pauses;
    parts.push(
      `Pauses: GC ${p.gcCount} (${Math.round(p.gcMs)} ms), other safepoints ${p.safepointCount} (${Math.round(p.safepointMs)} ms)`,
    );
  }
  if (analysis.notes.length > 0)
    parts.push(['Not measured:', ...analysis.notes.map((n) => `  - ${n}`)].join('\n'));
  parts.push(renderFindingsText(analysis.findings));
  return parts.join('\n\n');
}

/** Report of `redline analyze`. */
export function renderAnalysisText(analysis: ProfileAnalysis, top = 10): string {
  if (isRecordingAnalysis(analysis)) return renderRecordingText(analysis, top);
  const p = analysis.profile;
  const duration = p.durationMs ? `, ${(p.durationMs / 1000).toFixed(1)} s` : '';
  return [
    `Profile: ${p.format} (${p.valueKind}, ${p.unit}${duration})`,
    renderTablesText(analysis.tables, top),
    renderFindingsText(analysis.findings),
  ].join('\n\n');
}

/** Report of `redline profile`: tables, diagnosis, memory, findings. */
export function renderCaptureText(analysis: CaptureAnalysis, top = 10): string {
  const v = analysis.diagnosis.values;
  const diagnosis = `Service diagnosis: ${analysis.diagnosis.category} — event-loop delay p50 ${v.delayP50Ms.toFixed(1)} ms, max ${v.delayMaxMs.toFixed(0)} ms; ELU ${formatPercent(v.eluMedian, 0)}; CPU p90 ${formatPercent(v.cpuP90, 0)} of a core; GC up to ${v.gcMaxMsPerSecond.toFixed(0)} ms/s`;
  const memory = `Memory: ${analysis.leak.leaking ? 'LEAK SUSPECTED — ' : ''}${analysis.leak.reason}`;
  return [
    renderTablesText(analysis.cpu.tables, top),
    diagnosis,
    memory,
    renderFindingsText(analysis.findings),
  ].join('\n\n');
}
