// A fuzz worker thread's entry: tsx's loader is registered per thread, so the TypeScript loop
// (fuzz-worker-loop.ts) and the target's module can be imported here.
import { register } from 'tsx/esm/api';

register();
await import('./fuzz-worker-loop.ts');
