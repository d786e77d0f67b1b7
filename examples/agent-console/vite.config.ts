import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built from the packages' dist, the way an app that installed @tierdesk/react from npm builds it
// (run `npm run build` at the root first). The tiny backend in server/ serves dist/.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
