/** `search_docs`: full-text search over Redline's documentation, and reading one section whole. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { docsIndex } from '../docs-index.js';
import { defineTool, type ToolDeps } from './define.js';

/** Registers search_docs. */
export function registerDocsTool(server: McpServer, deps: ToolDeps): void {
  defineTool(server, deps, {
    name: 'search_docs',
    title: 'Search the Redline documentation',
    description:
      "Search Redline's documentation (script API, k6 compatibility, options, thresholds, YAML plans, profiling, database, audit, reports, monitoring, exit codes, MCP) and get the best sections with a snippet. To read a section whole, call again with file and anchor from a hit (or without anchor for the whole file).",
    input: {
      query: z
        .string()
        .optional()
        .describe('words to look for, e.g. "ramping arrival rate thresholds"'),
      limit: z
        .number()
        .int()
        .positive()
        .max(20)
        .optional()
        .describe('how many sections (default 5)'),
      file: z.string().optional().describe('read this document, e.g. "docs/script-api.md"'),
      anchor: z.string().optional().describe('with file: only this section (the anchor of a hit)'),
    },
    output: {
      hits: z.array(z.looseObject({ file: z.string(), heading: z.string(), anchor: z.string() })),
      text: z.string().optional(),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    run: async (args) => {
      const index = docsIndex();
      if (args.file) {
        const text = index.read(args.file, args.anchor);
        if (text === undefined)
          throw new RedlineError(
            'MCP_NO_DOC',
            `no section ${args.file}${args.anchor ? `#${args.anchor}` : ''}`,
            {
              exitCode: ExitCode.NoInput,
              hint: `files: ${[...new Set(index.sections.map((s) => s.file))].join(', ')}`,
            },
          );
        return { summary: text, data: { hits: [], text } };
      }
      if (!args.query)
        throw new RedlineError('MCP_USAGE', 'give query (to search) or file (to read)', {
          exitCode: ExitCode.Usage,
        });
      const hits = index.search(args.query, args.limit ?? 5);
      return {
        summary:
          hits.length === 0
            ? `nothing in the docs matches "${args.query}"`
            : hits.map((h) => `${h.file}#${h.anchor} — ${h.heading}\n${h.snippet}`).join('\n\n'),
        data: { hits },
      };
    },
  });
}
