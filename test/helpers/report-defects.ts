/**
 * The report defects issue 13 §2-§3 lists, looked for in a generated report (Markdown and HTML):
 * each returned line is one defect found, so a test can assert an empty list and show them all.
 */
import { findTextOutsideViewBox } from './svg-text.js';

/** Defects found in a report's Markdown and HTML (empty when none). */
export function findReportDefects(markdown: string, html: string): string[] {
  const defects: string[] = [];
  // Status marks that need an emoji font (the HTML draws them as inline SVG).
  const emoji = /\p{Extended_Pictographic}/u.exec(html);
  if (emoji) defects.push(`HTML uses an emoji (${emoji[0]}), which needs an emoji font`);
  // Wording: a signed number with two signs, a ratio below 1 called "faster".
  for (const m of markdown.matchAll(/[+−-][−-]\d[\d.,]*/g)) defects.push(`two signs: "${m[0]}"`);
  for (const m of markdown.matchAll(/\b0\.\d+× faster/g)) defects.push(`"${m[0]}" (slower)`);
  // Duplicate finding titles (Bottleneck n: / Observation n:).
  const titles = [...markdown.matchAll(/^#### (?:Bottleneck|Observation) \d+: (.+)$/gm)].map(
    (m) => m[1],
  );
  const seen = new Set<string>();
  for (const title of titles) {
    if (title && seen.has(title)) defects.push(`duplicate title "${title}"`);
    if (title) seen.add(title);
  }
  // Load Test Results laid out as docs/references.md#report-layout describes.
  for (const item of [
    '**Test Configuration:**',
    '- Concurrent users:',
    '- Test duration:',
    '- Infrastructure:',
    '- Test data:',
    '**Results:**',
    '- Maximum capacity:',
    '- Breaking point:',
    '- Error threshold:',
  ]) {
    if (!markdown.includes(item)) defects.push(`Load Test Results lacks "${item}"`);
  }
  // A plain run's best second is never "capacity".
  if (/Maximum capacity: [\d,.]+ req\/s \(highest per-second/.test(markdown))
    defects.push('a best second called maximum capacity');
  // Expected Improvements: no estimate above 100 % (the same time counted twice).
  for (const m of markdown.matchAll(/up to −(\d+)%/g))
    if (Number(m[1]) > 100) defects.push(`an improvement of −${m[1]}%`);
  // Recommendations show the user's own code: every bottleneck located at file:line shows its
  // lines ("**Your code** (`file:line`):") or says why not ("**Your code:** not shown: …"); no
  // canned example from another domain (the old authors/books N+1 diff).
  for (const block of markdown.split(/^(?=#### )/m)) {
    const title = /^#### ((?:Bottleneck|Observation) \d+)/.exec(block)?.[1];
    const located = /\*\*Location:\*\* `[^`]+\.\w+:\d+`/.test(block);
    if (title && located && !/\*\*Your code(\*\* \(`[^`]+:\d+`\):|:\*\* not shown: )/.test(block))
      defects.push(`${title} is located but shows no code`);
  }
  if (/\bauthors\b[\s\S]{0,200}\bbooks\b/.test(markdown))
    defects.push('a canned authors/books example');
  // Chart labels inside the SVG frame.
  for (const line of findTextOutsideViewBox(html)) defects.push(`label outside its chart: ${line}`);
  return defects;
}
