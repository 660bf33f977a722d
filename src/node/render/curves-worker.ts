/**
 * Worker-thread entry of `CurvesPlotter`: draws the curves it is sent (vega and resvg run here, off
 * the training thread) and answers `{ id, files }` or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import type { CurvesJob } from './curves-plotter.js';
import { plotCurves } from './charts.js';

parentPort?.on('message', (job: CurvesJob) => {
  plotCurves(job.history, job.file, job.options).then(
    (files) => parentPort?.postMessage({ id: job.id, files }),
    (err: unknown) => {
      const e = err as Error & { path?: unknown; problem?: unknown };
      parentPort?.postMessage({
        id: job.id,
        error: { name: e.name, message: e.message, path: e.path, problem: e.problem },
      });
    },
  );
});
