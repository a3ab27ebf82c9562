/** How the report marks a leak check's verdict (Markdown and HTML alike). */
import type { leakCheckVerdict } from '../../results/audit-result.js';

/** The mark before each verdict: a leak, an audit that could not tell, none seen. */
export const LEAK_MARK: Record<ReturnType<typeof leakCheckVerdict>, string> = {
  'leak suspected': '❌',
  'cannot tell': '⚠️',
  'no leak seen': '✅',
};

/** The graded status of each verdict (the HTML report draws it as an icon). */
export const LEAK_STATUS: Record<
  ReturnType<typeof leakCheckVerdict>,
  'pass' | 'acceptable' | 'fail'
> = {
  'leak suspected': 'fail',
  'cannot tell': 'acceptable',
  'no leak seen': 'pass',
};
