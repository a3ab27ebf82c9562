/** Entry of `node --import redline/probe app.js`: starts the probe before the application loads. */
import { startProbe } from './runtime.js';

await startProbe();
