/**
 * Where each generated k6 option came from in the YAML, so problems the plan builder finds
 * (`options.scenarios.browse.stages[0].target`) are reported at the plan's own file:line.
 */
import { type InputPath, parseInputPath } from '../../util/input-reader.js';

interface Origin {
  path: InputPath;
  /** Option field -> YAML key when they differ (`rate` -> `arrivalRate`); null: no own node. */
  rename?: Record<string, string | null>;
}

/** Maps option paths (as the plan builder names them) to YAML paths. */
export class OriginMap {
  readonly #origins = new Map<string, Origin>();

  /** Records that the option at `optionPath` (`options.scenarios.x`) comes from `path`. */
  set(optionPath: string, path: InputPath, rename?: Record<string, string | null>): void {
    const key = parseInputPath(optionPath).join('\u0000');
    this.#origins.set(key, rename ? { path, rename } : { path });
  }

  /** The YAML path of a problem's option path (segments): the longest known prefix plus the rest. */
  resolve(segments: InputPath): InputPath | undefined {
    for (let n = segments.length; n > 0; n--) {
      const origin = this.#origins.get(segments.slice(0, n).join('\u0000'));
      if (!origin) continue;
      const rest = segments.slice(n);
      if (!origin.rename || rest.length === 0) return [...origin.path, ...rest];
      const field = String(rest[0]);
      const renamed = origin.rename[field];
      if (renamed === null) return origin.path;
      return [...origin.path, renamed ?? field, ...rest.slice(1)];
    }
    return undefined;
  }
}
