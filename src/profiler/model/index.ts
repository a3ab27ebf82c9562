/** Public surface of profiler/model: the Profile type and its builder. */
export * from './builder.js';
export * from './profile.js';
