/**
 * A hot dependency is often slow because of how the application runs, not because of the package
 * (issue 14: bluebird's 25.8% of CPU was its long stack traces under NODE_ENV=development; 341 →
 * 396 req/s with production). The probe reads those settings inside the target
 * (`probe/runtime-settings.ts`); here each `cpu.hot-dependency` finding whose package a setting
 * explains gets it as the likely cause, and its recommendation names that change before any
 * replacement.
 */
import type { Finding } from '../../findings/finding.js';
import type { RuntimeSetting } from '../../probe/index.js';
import type { HotDependencyData } from '../../profiler/index.js';

function packageOf(f: Finding): string | undefined {
  if (f.id !== 'cpu.hot-dependency') return undefined;
  const data = f.data as Partial<HotDependencyData> | undefined;
  return typeof data?.package === 'string' ? data.package : undefined;
}

/** Returns the findings with the settings that explain each hot dependency attached. */
export function explainHotDependencies(
  findings: readonly Finding[],
  settings: readonly RuntimeSetting[],
): Finding[] {
  if (settings.length === 0) return [...findings];
  return findings.map((f) => {
    const pkg = packageOf(f);
    const causes = pkg ? settings.filter((s) => s.packages.includes(pkg)) : [];
    if (causes.length === 0) return f;
    const likely = causes.map((c) => `${c.cause} (seen: ${c.seen})`).join('; ');
    const fixes = causes.map((c) => c.fix).join('; then ');
    return {
      ...f,
      rootCause: `${f.rootCause} Likely cause, a setting rather than the package: ${likely}.`,
      recommendation: {
        ...f.recommendation,
        text: `First ${fixes}. Only if ${pkg} stays hot: ${f.recommendation.text}`,
        effort: 'low',
      },
      evidence: [
        ...f.evidence,
        ...causes.map((c) => ({ label: `setting (${c.id})`, value: c.seen, source: 'probe' })),
      ],
    };
  });
}
