/**
 * Preloaded into the fuzzed server (`node --expose-gc -r bench/fuzz/gc-on-signal.cjs …`):
 * SIGUSR2 runs a full garbage collection, so that the harness can read the server's RSS
 * after a GC settle before and after the fuzz run without any code in the server for it.
 */
'use strict';
process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
});
