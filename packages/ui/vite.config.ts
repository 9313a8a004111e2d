import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The server serves dist/ on its UI port and answers /api/v1/* itself; `npm run dev -w
// @endure/ui` proxies those calls to a server started with `endure server start-dev`.
export default defineConfig({
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': 'http://127.0.0.1:8233' } },
});
