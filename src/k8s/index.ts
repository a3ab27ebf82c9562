/** Public surface of k8s/: distributed tests on Kubernetes (manifests, and running them with kubectl). */
export { type BundleFile, collectScriptBundle, type ScriptBundle } from './bundle.js';
export {
  type ClusterRunOptions,
  type ClusterRunOutcome,
  deleteArgs,
  findKubectl,
  runOnCluster,
  scrubber,
} from './kubectl.js';
export {
  generateToken,
  type RenderedTest,
  type RenderOptions,
  renderTest,
  SCRIPT_MOUNT,
  TOKEN_FILE,
  toYaml,
  WORK_DIR,
} from './manifests.js';
export {
  checkNamespace,
  checkTestId,
  DNS1035_LABEL,
  DNS1123_LABEL,
  generateTestId,
  isDns1123Label,
  TEST_ID_LABEL,
  testSelector,
} from './names.js';
export { parseRequestLimit, quantityValue, type RequestLimit } from './resources.js';
