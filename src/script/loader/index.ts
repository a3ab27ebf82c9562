/** Public surface of script/loader/: bundling user scripts and mapping positions back to them. */
export { renderCodeFrame } from './code-frame.js';
export {
  hasInitFactory,
  INIT_EXPORTS_EXPORT,
  INIT_FACTORY_EXPORT,
  instantiateModule,
} from './init-factory.js';
export {
  type LoadedScript,
  type LoadScriptOptions,
  loadScript,
  SCRIPT_EXTENSIONS,
} from './load-script.js';
export {
  defaultModuleCacheDir,
  type ModuleMirror,
  parseMirrors,
  type RemoteModuleOptions,
  remoteModuleOptionsFromEnv,
} from './remote-modules.js';
export {
  createScriptPathResolver,
  loadScriptPathResolver,
  type ScriptPathResolver,
} from './script-path.js';
export {
  createStackMapper,
  defaultDisplayPath,
  loadStackMapper,
  type StackMapper,
  type StackMapperOptions,
} from './stack-mapper.js';
