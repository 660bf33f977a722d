// Every test runs with the Node platform installed (as the package's entry installs it) on the cpu backend.
import '../src/node/setup.js';
import { initBackend } from '../src/core/backend/registry.js';

beforeAll(async () => {
  await initBackend('cpu');
});
