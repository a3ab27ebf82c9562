/** Public surface of profiler/model: the Profile type, its builder, and runtime recordings. */
export * from './builder.js';
export * from './profile.js';
export * from './recording.js';
export * from './wasm-names.js';
