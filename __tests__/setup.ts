import { initBackend } from '../src/core/backend/registry.js';

beforeAll(async () => {
  await initBackend('cpu');
});
