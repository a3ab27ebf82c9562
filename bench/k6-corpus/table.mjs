// Prints the corpus results (results.json, written by run-corpus.mjs) as the markdown table of
// docs/k6-compatibility.md, and with --write replaces the table there (between its markers).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS } from './corpus.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DOC = join(HERE, '../../docs/k6-compatibility.md');
const { date, summary, rows } = JSON.parse(readFileSync(join(HERE, 'results.json'), 'utf8'));
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\s+/g, ' ')
    .trim();
const lines = [
  `Run ${date.slice(0, 16).replace('T', ' ')} UTC: **${summary}**.`,
  '',
  '| script | source (repository @ commit) | result | reason / what k6 does |',
  '|---|---|---|---|',
];
for (const row of rows) {
  const entry = CORPUS.find((e) => `${e.repo}/${e.path}` === row.id);
  const why = row.reason || entry?.expect?.why || '';
  lines.push(
    `| \`${entry.path}\` | [${entry.repo}](https://github.com/${entry.repo}/blob/${entry.commit}/${entry.path}) @ ${entry.commit.slice(0, 7)} | ${row.result} | ${cell(why)} |`,
  );
}
const table = lines.join('\n');
if (process.argv.includes('--write')) {
  const doc = readFileSync(DOC, 'utf8');
  const start = '<!-- k6-corpus-results:start -->';
  const end = '<!-- k6-corpus-results:end -->';
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`no ${start} ... ${end} markers in ${DOC}`);
  writeFileSync(DOC, `${doc.slice(0, a + start.length)}\n${table}\n${doc.slice(b)}`);
} else console.log(table);
