/**
 * loadYamlPlan: compiles a YAML plan and loads the generated module through the script loader,
 * so a plan gets everything a script gets (thresholds, outputs, workers, summary). The result is
 * a LoadedScript whose `scriptPath` is the plan file and whose `dispose` removes both temp parts.
 */
import { type LoadedScript, type LoadScriptOptions, loadScript } from '../loader/index.js';
import { compileYamlPlan } from './compile-plan.js';

/** Options of {@link loadYamlPlan}: the loader's, plus where compile warnings go. */
export interface LoadYamlPlanOptions extends LoadScriptOptions {
  onWarning?: (text: string) => void;
}

/** Compiles and loads a plan; throws a RedlineError (exit 104) listing every problem of the plan. */
export async function loadYamlPlan(
  path: string,
  options: LoadYamlPlanOptions,
): Promise<LoadedScript> {
  const compiled = await compileYamlPlan(path);
  for (const warning of compiled.warnings) options.onWarning?.(warning);
  try {
    const { onWarning: _onWarning, ...loaderOptions } = options;
    const loaded = await loadScript(compiled.scriptPath, {
      ...loaderOptions,
      outDir: compiled.dir,
      k6Transform: 'off',
    });
    return {
      ...loaded,
      scriptPath: compiled.planPath,
      describeOptionProblem: compiled.describeOptionProblem,
      dispose: async () => {
        await loaded.dispose();
        await compiled.dispose();
      },
    };
  } catch (error) {
    await compiled.dispose();
    throw error;
  }
}
