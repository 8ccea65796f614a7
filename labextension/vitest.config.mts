import { defineConfig } from 'vitest/config';

// The extension's unit tests: the model, the cards and the DOM helpers in jsdom, against a
// small in-memory stand-in for the server's REST API (test/fake-server.ts).
export default defineConfig({
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    restoreMocks: true,
    // ESM with extensionless imports, which only a bundler resolves: let vite transform them.
    server: { deps: { inline: [/@jupyter\/web-components/, /@microsoft\/fast-/] } }
  }
});
