/**
 * The scripted run's hook for shards in other processes (distributed runs, src/distributed/):
 * what the run hands over once its plan is built and setup() ran, and what it gets back. The
 * engine knows nothing of the network; the distributed controller implements
 * {@link RemoteLauncher}.
 */
import type { Plan } from '../../config/plan.js';
import type { LaunchedShards } from '../controller.js';

/** Everything another process needs to run its part of the test. */
export interface RemotePlan {
  /** The whole test's plan (no execution segment: the launcher assigns them). */
  plan: Plan;
  /** JSON of setup()'s result (undefined when there is none). */
  setupData: string | undefined;
  /** Only the test's own variables (`--env`, options.env): the controller's environment stays here. */
  env: Record<string, string>;
  perVuInit: boolean;
  intervalMs: number;
  /** The script as bundled here, and the files its init context read through `open()`. */
  script: { scriptPath: string; bundlePath: string; openedFiles: string[] };
}

/** Prepares the remote parts of a test; resolves once every part is ready to start. */
export type RemoteLauncher = (plan: RemotePlan) => Promise<LaunchedShards>;
