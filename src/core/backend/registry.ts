/**
 * The backend registry: providers tried in order by `initBackend('auto')`. The core registers `cpu`
 * (plain JavaScript kernels, available everywhere); each platform entry registers its own in front
 * of it (in Node: tensorflow, blas, wasm). Model code never asks which backend runs: ops/ pick a
 * fused kernel when one is registered for the active backend.
 */
import { BackendError } from '../errors.js';
import { registerKernels } from './kernels/register.js';
import { tf } from './tf.js';

/** A backend that can be asked for by name. */
export interface BackendProvider {
  /** Name used on the command line and by `tf.setBackend`. */
  readonly name: string;
  /** One line for `--help` and error messages. */
  readonly description: string;
  /** Registers the backend with tfjs-core; throws (with the reason) if it cannot. */
  load(): Promise<void> | void;
}

/** tfjs-backend-cpu with this project's JavaScript kernels (fused softmax cross-entropy, sgd_update). */
export const cpuProvider: BackendProvider = {
  name: 'cpu',
  description: 'plain JavaScript kernels (@tensorflow/tfjs-backend-cpu), always available',
  load() {
    registerKernels('cpu'); // the JavaScript loops
  },
};

const providers: BackendProvider[] = [cpuProvider];

/** Adds a provider to the `auto` order, before the provider named `before` (or last); replaces one of the same name. */
export function registerBackendProvider(provider: BackendProvider, options: { before?: string } = {}): void {
  const existing = providers.findIndex((p) => p.name === provider.name);
  if (existing >= 0) providers.splice(existing, 1);
  const at = options.before === undefined ? -1 : providers.findIndex((p) => p.name === options.before);
  if (at < 0) providers.push(provider);
  else providers.splice(at, 0, provider);
}

/** Names of the known backends, in `auto` order. */
export function backendNames(): string[] {
  return providers.map((p) => p.name);
}

/** What `initBackend` settled on, and why the ones before it in the `auto` order were passed over. */
export interface BackendChoice {
  name: string;
  skipped: { name: string; reason: string }[];
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? message).trim();
}

async function tryProvider(provider: BackendProvider): Promise<void> {
  try {
    await provider.load();
  } catch (err) {
    throw new BackendError(provider.name, reasonOf(err), { cause: err });
  }
  // A provider that loaded but registered nothing has its own copy of tfjs-core.
  if (tf.findBackendFactory(provider.name) === null) {
    throw new BackendError(
      provider.name,
      `it loaded but did not register with this copy of @tensorflow/tfjs-core (a duplicate tfjs-core ` +
        `install; run 'npm ls @tensorflow/tfjs-core' and keep one version)`,
    );
  }
  // Silence tfjs' "install tfjs-node" banner and other console warnings; we report the backend ourselves.
  tf.env().set('PROD', true);
  const ok = await tf.setBackend(provider.name);
  if (!ok) throw new BackendError(provider.name, 'its initialization failed');
  await tf.ready();
}

/**
 * Loads and selects a backend. `auto` tries each provider in order and keeps the first that
 * initializes. Throws `BackendError` naming the cause and the alternatives when a named backend
 * cannot load.
 */
export async function initBackend(choice = 'auto'): Promise<BackendChoice> {
  if (choice === 'auto') {
    const skipped: BackendChoice['skipped'] = [];
    for (const provider of providers) {
      try {
        await tryProvider(provider);
        return { name: provider.name, skipped };
      } catch (err) {
        skipped.push({ name: provider.name, reason: reasonOf(err) });
      }
    }
    throw new BackendError(
      'auto',
      `No backend could be loaded: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}.`,
    );
  }
  const provider = providers.find((p) => p.name === choice);
  if (provider === undefined) {
    throw new BackendError(choice, `Unknown backend '${choice}'. Choose one of: auto, ${backendNames().join(', ')}.`);
  }
  try {
    await tryProvider(provider);
  } catch (err) {
    const others = ['auto', ...backendNames().filter((n) => n !== choice)].join(', ');
    throw new BackendError(
      choice,
      `Backend '${choice}' cannot be used: ${reasonOf(err)}. Use --backend with one of: ${others}.`,
      {
        cause: err,
      },
    );
  }
  return { name: provider.name, skipped: [] };
}

/** Name of the backend in use. */
export function currentBackend(): string {
  return tf.getBackend();
}
