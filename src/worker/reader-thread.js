// Entry of a document-reader thread (src/worker/reader-pool.ts): the TypeScript sources run
// through tsx here as in the main thread, since loaders registered there do not reach a worker.
import { register } from 'tsx/esm/api';

register();
await import('./reader-thread.ts');
