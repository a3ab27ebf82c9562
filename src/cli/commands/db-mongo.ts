/** `redline db mongo <file>`: MongoDB explain output or a system.profile export, judged. */
import type { Command } from 'commander';
import { analyzeMongoFile, renderMongoAnalysis, shapeOf } from '../../db/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';

/** Registers `redline db mongo` under `redline db`. */
export function registerMongo(db: Command): void {
  db.command('mongo')
    .description(
      'Judge saved MongoDB artefacts: explain("executionStats") output, or a system.profile export ranked by time',
    )
    .argument('<file>', 'explain JSON, or mongoexport of system.profile (JSON lines or array)')
    .option('-n, --limit <n>', 'how many query shapes of a profile', '10')
    .option('--json', 'print the analysis as JSON')
    .addHelpText(
      'after',
      `
Examples:
  mongosh shop --quiet --eval 'EJSON.stringify(db.orders.find({status:"open"}).sort({createdAt:-1}).explain("executionStats"))' > explain.json
  redline db mongo explain.json
  mongoexport --db=shop --collection=system.profile --out=profile.json && redline db mongo profile.json

Exit codes: 0 ok, 65 not explain output nor a profile export, 66 file missing.`,
    )
    .action(async (file: string, flags: { limit: string; json?: boolean }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit <= 0)
        throw new RedlineError('E_USAGE_VALUE', `invalid value for --limit: "${flags.limit}"`, {
          exitCode: ExitCode.Usage,
          hint: 'use a positive whole number',
        });
      const analysis = await analyzeMongoFile(file, limit);
      // The filter's values (ids, emails) stay out of the JSON too: its shape is kept.
      const shown =
        analysis.kind === 'explain'
          ? {
              ...analysis,
              explain: { ...analysis.explain, filter: shapeOf(analysis.explain.filter) },
            }
          : analysis;
      if (flags.json) process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      else process.stdout.write(renderMongoAnalysis(analysis));
    });
}
