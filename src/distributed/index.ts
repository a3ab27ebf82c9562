/** Public surface of distributed runs: the controller (`redline run --agents N`) and the agent. */
export { type AgentOptions, runAgent } from './agent.js';
export {
  type AgentLossPolicy,
  type ControllerOptions,
  DistributedController,
  type DistributedSummary,
} from './controller.js';
