import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Everything is bundled (map data included): the UI works offline and under a self-only CSP.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
});
