import { initBackend } from '../src/backend/index.js';

beforeAll(async () => {
  await initBackend('cpu');
});
