import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { moduleAssetsPlugin, sandboxAssets } from './scripts/bundle-assets';
import { rendererConfig } from './vite.renderer.config';

export default defineConfig({
  main: {
    // The embedded sandbox's data files (OpenAPI documents, protobuf definitions, default scenario).
    plugins: [moduleAssetsPlugin(sandboxAssets, import.meta.dirname)],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-main/electron/main.ts') },
        // src-shared in its own chunk: the sandbox chunk (loaded on demand) then needs nothing of
        // the Electron entry, so it loads in plain Node too (the bundle test starts it there).
        output: { manualChunks: (id: string) => (id.includes('/src-shared/') ? 'shared' : undefined) },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only 'electron': bundle zod and src-shared into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-preload/index.ts') },
        // A sandboxed preload cannot load ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
