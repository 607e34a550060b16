import { EventEmitter } from 'node:events';

/**
 * In-process wake-up: a submit in this process starts local workers at once instead of at their
 * next poll. Workers in other processes still find the job by polling.
 */
const bus = new EventEmitter();
bus.setMaxListeners(0);

export function wakeWorkers(): void {
  bus.emit('work');
}

export function onWork(listener: () => void): () => void {
  bus.on('work', listener);
  return () => bus.off('work', listener);
}

/**
 * A document finished the pipeline in this process (its outcome is committed): a request waiting
 * for it can answer now instead of at its next look at the database.
 */
export function documentFinished(documentId: number): void {
  bus.emit(`document:${documentId}`);
}

export function onDocumentFinished(documentId: number, listener: () => void): () => void {
  bus.on(`document:${documentId}`, listener);
  return () => bus.off(`document:${documentId}`, listener);
}
