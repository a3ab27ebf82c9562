/**
 * The `generate_script` prompt: turns a plain-English user flow into a Redline/k6 script, with the
 * best practices and (for TypeScript) the API declarations embedded, and the workflow an agent
 * should follow: write, validate_script, then run_load_test.
 */
import { readFileSync } from 'node:fs';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { BEST_PRACTICES_FILE, scriptApiTypes } from './resources.js';
import type { ToolDeps } from './tools/define.js';

const FORMATS: Record<string, { what: string; extension: string; imports: string }> = {
  k6: {
    what: 'a k6 JavaScript script (runs unchanged in k6 and in Redline)',
    extension: 'js',
    imports: "import http from 'k6/http'; import { check, group, sleep } from 'k6';",
  },
  typescript: {
    what: "a Redline TypeScript script using the native API (async/await, import from 'redline')",
    extension: 'ts',
    imports: "import { http, check, group, sleep } from 'redline';",
  },
  yaml: {
    what: 'a Redline YAML plan (no code: flow steps with capture and check, see docs/yaml-plans.md)',
    extension: 'yaml',
    imports: '',
  },
};

/** The prompt text for a flow (exported for tests). */
export function scriptPromptText(
  args: { flow: string; baseUrl?: string; format?: string; file?: string },
  limits: ToolDeps['config']['limits'],
): string {
  const format = FORMATS[args.format ?? 'k6'] ?? (FORMATS['k6'] as (typeof FORMATS)[string]);
  const file = args.file ?? `tests/load/flow.${format.extension}`;
  return [
    `Write ${format.what} for this user flow:`,
    '',
    args.flow,
    '',
    'Requirements:',
    `- Read the base URL from __ENV.BASE_URL${args.baseUrl ? ` (it will be ${args.baseUrl})` : ''}; never hard-code hosts.`,
    format.imports
      ? `- Start from: ${format.imports}`
      : '- Use target: "{{ $env.BASE_URL }}" and relative URLs.',
    '- One iteration = one user going through the flow once. Name requests with tags { name } when URLs contain ids.',
    '- check() every response you depend on (status, and the field you capture); capture tokens/ids from responses rather than hard-coding them.',
    '- Add think time (sleep) between steps as a real user pauses, unless the flow says it is an API client.',
    '- Put the pass/fail criteria in options.thresholds (e.g. http_req_duration p(95), http_req_failed rate), with values from the flow or reasonable defaults stated in a comment.',
    `- Keep the load modest so it fits the user's guard rails: at most ${limits.maxVUs} VUs, ${Math.round(limits.maxDurationMs / 1000)} s, ${limits.maxRate} requests/s.`,
    '- No secrets in the file: read credentials from __ENV.',
    '',
    'Workflow:',
    `1. Save the script as ${file} (create the folder).`,
    `2. Call validate_script with script: "${file}"${args.baseUrl ? ` and baseUrl: "${args.baseUrl}"` : ''}; fix every issue it reports at file:line and validate again until valid is true.`,
    '3. Offer to run it with run_load_test (script and baseUrl), suggesting VUs and duration, and explain what the thresholds will tell.',
    '4. If something is unclear about the API, use search_docs (e.g. "k6 compatibility", "thresholds", "YAML plans").',
  ].join('\n');
}

/** Registers the prompts. */
export function registerPrompts(server: McpServer, deps: ToolDeps): void {
  server.registerPrompt(
    'generate_script',
    {
      title: 'Generate a load-test script',
      description:
        'Write a Redline/k6 load-test script from a plain-English user flow, following the best practices, then validate it.',
      argsSchema: {
        flow: z
          .string()
          .describe(
            'the user flow in plain English, e.g. "log in, list items, open one, add it to the cart"',
          ),
        baseUrl: z.string().optional().describe('the service URL, e.g. http://127.0.0.1:3000'),
        format: z
          .enum(['k6', 'typescript', 'yaml'])
          .optional()
          .describe('k6 (default), typescript or yaml'),
        file: z.string().optional().describe('where to save it (default tests/load/flow.<ext>)'),
      },
    },
    (args) => {
      const messages: Array<{ role: 'user'; content: Record<string, unknown> }> = [
        {
          role: 'user',
          content: { type: 'text', text: scriptPromptText(args, deps.config.limits) },
        },
        {
          role: 'user',
          content: {
            type: 'resource',
            resource: {
              uri: 'redline://docs/best-practices',
              mimeType: 'text/markdown',
              text: readFileSync(BEST_PRACTICES_FILE, 'utf8'),
            },
          },
        },
      ];
      if (args.format === 'typescript')
        messages.push({
          role: 'user',
          content: {
            type: 'resource',
            resource: {
              uri: 'redline://types/script-api.d.ts',
              mimeType: 'text/plain',
              text: scriptApiTypes(),
            },
          },
        });
      return { messages } as never;
    },
  );
}
