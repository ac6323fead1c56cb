import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module that is its own worker entry (it checks `workerData`).
 * From sources (tsx) the worker first registers the same loader: a worker does not inherit it.
 */
export function startModuleWorker(moduleUrl: string, workerData: unknown): Worker {
  const self = new URL(moduleUrl);
  if (!self.pathname.endsWith('.ts')) return new Worker(self, { workerData });
  const loader = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${loader}).then((m) => { m.register(); return import(${JSON.stringify(self.href)}); })`, { eval: true, workerData });
}
