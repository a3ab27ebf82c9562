/**
 * Secrets in URLs never reach an output. Real runs of the built CLI against a local server, with
 * secret query values (and credentials) in the URLs requested, through every output at once:
 * the summary, `--json`, `--summary-export`, `--out csv`, `--out ndjson`, a Prometheus scrape of
 * `--out prometheus` during the run, `--out prometheus-rw` and `--out otlp` to local receivers,
 * the dashboard export, handleSummary's data and `redline report`. Each artefact must hold none
 * of the secret values, while the parameter names and the other parameters stay readable.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uncompressBlock } from '../../src/outputs/remote-write/encode.js';
import { findFreePort } from '../../src/util/net.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';
import { runCli } from '../k6-compat/helpers/run-corpus.js';

let target: TestServer;
let receiver: Server;
let receiverUrl = '';
/** Bodies received by the remote-write (decompressed) and OTLP receivers. */
const received: { rw: string[]; otlp: string[] } = { rw: [], otlp: [] };
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redline-secrets-'));
  target = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith('/api/v1/write'))
        received.rw.push(uncompressBlock(body).toString('latin1'));
      else received.otlp.push(body.toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});

afterAll(async () => {
  await target?.close();
  await new Promise((r) => receiver?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** Every secret value the runs put in URLs; none may appear anywhere. */
const SECRET = /SECRET_[A-Z0-9]+/g;

function leaks(text: string): string[] {
  return [...new Set(text.match(SECRET) ?? [])];
}

/** Asserts no secret in `text` (named `what` in the failure message). */
function expectClean(what: string, text: string): void {
  expect(leaks(text), `${what} leaks secrets`).toEqual([]);
}

/** Asserts the URLs stay useful: names and non-secret parameters kept. */
function expectUseful(what: string, text: string): void {
  for (const kept of ['access_token=[REDACTED]', 'page=2', 'keyboard=x', 'monkey=1'])
    expect(text, `${what} should keep ${kept}`).toContain(kept);
}

function readAll(paths: string[]): string {
  return paths.map((p) => readFileSync(p, 'utf8')).join('\n');
}

/** Runs the CLI and scrapes its Prometheus endpoint, while it runs, until it shows http_reqs. */
async function runAndScrape(
  args: string[],
  env: Record<string, string>,
  scrapePort: number,
): Promise<{ code: number | null; stdout: string; stderr: string; scraped: string }> {
  let scraped = '';
  const poll = setInterval(() => {
    fetch(`http://127.0.0.1:${scrapePort}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        if (text.includes('http_reqs')) scraped = text;
      })
      .catch(() => {});
  }, 250);
  try {
    const run = await runCli(args, { cwd: dir, env });
    return { ...run, scraped };
  } finally {
    clearInterval(poll);
  }
}

describe('secrets in URLs, scripted run through every output', () => {
  it('appear in no output, while names and other parameters remain', async () => {
    const base = target.url;
    const authority = base.replace('http://', '');
    const script = join(dir, 'secrets.js');
    writeFileSync(
      script,
      `import http from 'k6/http';
import { sleep } from 'k6';
export const options = {
  vus: 2,
  duration: '3s',
  redactParams: ['team_code'],
  thresholds: {
    'http_req_duration{url:${base}/a?access_token=SECRET_A1&page=2}': ['p(95)<5000'],
  },
};
export default function () {
  http.get('${base}/a?access_token=SECRET_A1&page=2');
  http.get('${base}/b?password=SECRET_B2&keyboard=x&monkey=1');
  http.get('http://usr:SECRET_C3@${authority}/c?api_key=SECRET_D4&sig=SECRET_E5&session=SECRET_F6&code=FR');
  http.get('${base}/d?tenant_pin=SECRET_G7&page=2');
  http.get('${base}/e?team_code=SECRET_H8');
  http.get('${base}/f', { tags: { name: '${base}/f?token=SECRET_I9' } });
  http.get('${base}/cb?code=SECRET_J10&state=xyz');
  sleep(0.1);
}
`,
    );
    const scrapePort = await findFreePort();
    const files = {
      json: join(dir, 'result.json'),
      summary: join(dir, 'summary.json'),
      csv: join(dir, 'out.csv'),
      ndjson: join(dir, 'out.ndjson'),
      dashboard: join(dir, 'dashboard.html'),
    };
    const run = await runAndScrape(
      [
        'run',
        script,
        '-q',
        '--redact-param',
        'tenant_pin',
        '--json',
        files.json,
        '--summary-export',
        files.summary,
        '--out',
        `csv=${files.csv}`,
        '--out',
        `ndjson=${files.ndjson}`,
        '--out',
        `prometheus=127.0.0.1:${scrapePort}`,
        '--out',
        `prometheus-rw=http://rw-user:SECRET_K11@${receiverUrl.replace('http://', '')}/api/v1/write`,
        '--out',
        `otlp=${receiverUrl}/v1/metrics?api_key=SECRET_L12`,
        '--dashboard-port',
        '0',
        '--dashboard-export',
        files.dashboard,
      ],
      { REDLINE_OUT_FLUSH_TIMEOUT: '5s' },
      scrapePort,
    );
    expect(run.code, run.stderr).toBe(0);

    expectClean('stdout (summary)', run.stdout);
    expectClean('stderr', run.stderr);
    expect(run.stdout).toContain('access_token=[REDACTED]&page=2}');
    for (const [what, path] of Object.entries(files)) expectClean(what, readAll([path]));
    expectUseful('csv', readAll([files.csv]));
    const csv = readAll([files.csv]);
    expect(csv).toContain('code=FR');
    expect(csv).toContain('tenant_pin=[REDACTED]&page=2');
    expect(csv).toContain('team_code=[REDACTED]');
    expect(csv).toContain(`http://[REDACTED]@${authority}/c?`);
    expect(csv).toContain('/cb?code=[REDACTED]&state=xyz');

    // The threshold on the URL with a token still matched its series.
    const result = JSON.parse(readAll([files.json])) as {
      thresholds: Array<{ metric: string; observed: number | null }>;
    };
    expect(result.thresholds[0]!.metric).toContain('access_token=[REDACTED]');
    expect(result.thresholds[0]!.observed).not.toBeNull();

    expect(run.scraped, 'the Prometheus endpoint was scraped during the run').not.toBe('');
    expectClean('prometheus scrape', run.scraped);
    expectUseful('prometheus scrape', run.scraped);

    const rw = received.rw.join('\n');
    expect(rw).toContain('http_reqs');
    expectClean('remote write', rw);
    expectUseful('remote write', rw);
    const otlp = received.otlp.join('\n');
    expect(otlp).toContain('http_reqs');
    expectClean('otlp', otlp);
    expectUseful('otlp', otlp);

    const reportDir = join(dir, 'report');
    const report = await runCli(['report', files.json, '--out', reportDir], { cwd: dir });
    expect(report.code, report.stderr).toBe(0);
    const reportFiles = readdirSync(reportDir).map((f) => join(reportDir, f));
    expect(reportFiles.length).toBeGreaterThanOrEqual(3);
    expectClean('report', readAll(reportFiles) + report.stdout + report.stderr);
  }, 90_000);

  it('handleSummary receives redacted data', async () => {
    const base = target.url;
    const script = join(dir, 'summary.js');
    const out = join(dir, 'handle-summary.json');
    writeFileSync(
      script,
      `import http from 'k6/http';
export const options = {
  iterations: 3,
  thresholds: { 'http_reqs{url:${base}/a?access_token=SECRET_M13&page=2}': ['count>0'] },
};
export default function () {
  http.get('${base}/a?access_token=SECRET_M13&page=2');
}
export function handleSummary(data) {
  return { ${JSON.stringify(out)}: JSON.stringify(data) };
}
`,
    );
    const run = await runCli(['run', script, '-q'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const text = readAll([out]);
    expect(text).toContain('access_token=[REDACTED]&page=2');
    expectClean('handleSummary data', text + run.stdout + run.stderr);
  }, 60_000);
});

describe('secrets in URLs, quick mode', () => {
  it('appear in no output, with names added on the command line reaching worker threads', async () => {
    const url = `http://usr:SECRET_N14@${target.url.replace('http://', '')}/q?token=SECRET_O15&page=2&keyboard=x&tenant_pin=SECRET_P16`;
    const files = [join(dir, 'q.json'), join(dir, 'q.csv'), join(dir, 'q.ndjson')];
    const run = await runCli(
      [
        'run',
        url,
        '-d',
        '1s',
        '-c',
        '2',
        '--workers',
        '2',
        '--redact-param',
        'tenant_pin',
        '-q',
        '--json',
        files[0]!,
        '--out',
        `csv=${files[1]}`,
        '--out',
        `ndjson=${files[2]}`,
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const text = readAll(files) + run.stdout + run.stderr;
    expectClean('quick mode outputs', text);
    expect(readAll([files[1]!])).toContain(
      'token=[REDACTED]&page=2&keyboard=x&tenant_pin=[REDACTED]',
    );
  }, 60_000);
});
