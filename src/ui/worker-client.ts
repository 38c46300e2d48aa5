// Starts the training worker and gives the UI typed send/receive over the protocol. The page's ?budget= parameter
// (file-reader budgets, `name=value,...`) is handed to every worker started, restarts included.
import { parseBudgets } from '../core/formats/budgets';
import { postToWorker, type FromWorker, type ToWorker } from '../protocol';

export interface WorkerClient {
  send(message: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
}

export function startTrainingWorker(
  onMessage: (m: FromWorker) => void,
  onCrash: (reason: string) => void,
): WorkerClient {
  const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'probelab-train',
  });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    onCrash(e.message || 'the training worker crashed');
  };
  worker.onmessageerror = () => onCrash('a message from the training worker could not be read');
  const budgetParam = new URLSearchParams(globalThis.location?.search ?? '').getAll('budget').join(',');
  if (budgetParam) {
    try {
      postToWorker(worker, { type: 'set-budgets', budgets: parseBudgets(budgetParam) });
    } catch (e) {
      onMessage({ type: 'notice', notice: { level: 'error', message: `?budget=: ${(e as Error).message}` } });
    }
  }
  return {
    send: (message, transfer = []) => postToWorker(worker, message, transfer),
    terminate: () => worker.terminate(),
  };
}
