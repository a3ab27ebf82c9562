// Temporary exploration harness (deleted before hand-off).
import { it } from 'vitest';
import { startK6Server } from './helpers/k6-server.js';
import { runCorpus } from './helpers/run-corpus.js';

it('scratch', async () => {
  const server = await startK6Server();
  try {
    for (const name of (process.env['SCRATCH'] ?? '').split(',')) {
      let run;
      try {
        run = await runCorpus(name, server.url, JSON.parse((process.env['SCRATCH_CLI'] ?? '{}').replaceAll('PORT', String(server.port))));
      } catch (e) {
        console.log(name, 'THREW', (e as Error).message, (e as { problems?: string[] }).problems, (e as { hint?: string }).hint, (e as { exitCode?: number }).exitCode);
        continue;
      }
      console.log(name, 'exit', run.exitCode, 'reason', run.result.reason, run.result.detail);
      console.log('checks', JSON.stringify(run.result.checks));
      console.log('thresholds', JSON.stringify(run.result.thresholds));
      console.log('metrics', Object.entries(run.result.metrics).map(([k, v]) => `${k} ${JSON.stringify(v.values)}`).join('\n'));
      console.log('warnings', run.warnings, 'errors', run.scriptErrors);
      if (run.summaryOutputs) console.log('summary', Object.keys(run.summaryOutputs));
    }
  } finally {
    await server.close();
  }
}, 120_000);
