/**
 * Files the main bundle reads at run time, next to the code that reads them. Sandbox modules find
 * their data with `new URL(<relative path>, import.meta.url)` (the OpenAPI documents, the
 * protobuf definitions, the default scenario); bundled, `import.meta.url` is the chunk's URL, so
 * each file is emitted at the same relative path from the chunk that holds its reader as it has
 * from the reader's source. Without this a packaged app's embedded sandbox cannot serve
 * /openapi/v3, decode protobuf bodies, or start with its default scenario.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { OPENAPI_DOCUMENTS } from '../src-sandbox/openapi/documents';

export interface ModuleAssets {
  /** The module that reads the files, relative to the project root. */
  module: string;
  /** The files it reads, relative to the project root (folders are taken whole). */
  files: string[];
}

/** What the sandbox reads beside its own sources. */
export const sandboxAssets: ModuleAssets[] = [
  { module: 'src-sandbox/openapi/documents.ts', files: Object.values(OPENAPI_DOCUMENTS).map((f) => `src-sandbox/openapi/${f}`) },
  { module: 'src-sandbox/proto/protobuf-body.ts', files: ['src-sandbox/proto/k8s.io'] },
  { module: 'src-sandbox/scenario.ts', files: ['resources/scenarios/default.yaml'] },
];

/** Which files of a folder are data (sources and their tests and notes are not shipped). */
const isData = (file: string) => /\.(json|proto|ya?ml)$/.test(file);

function expand(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  try {
    return readdirSync(abs, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && isData(e.name))
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return [rel];
    throw e;
  }
}

/** `root`: the project root the paths are relative to (the config's own folder). */
export function moduleAssetsPlugin(assets: ModuleAssets[], root: string): Plugin {
  return {
    name: 'capstan-module-assets',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const { module, files } of assets) {
        const id = path.join(root, module);
        const chunk = Object.values(bundle).find((c) => c.type === 'chunk' && c.moduleIds.includes(id));
        if (!chunk) continue; // not part of this bundle (the preload, the renderer)
        const from = path.dirname(id);
        for (const file of files.flatMap((f) => expand(root, f))) {
          const fileName = path.posix.normalize(
            path.posix.join(path.posix.dirname(chunk.fileName), path.relative(from, path.join(root, file)).split(path.sep).join('/')),
          );
          if (fileName.startsWith('..')) this.error(`${file} would land outside the output folder (${fileName}); move it or its reader.`);
          this.emitFile({ type: 'asset', fileName, source: readFileSync(path.join(root, file)) });
        }
      }
    },
  };
}
