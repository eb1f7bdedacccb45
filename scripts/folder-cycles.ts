/**
 * Folder-level import cycles: which feature folders import each other, directly or around a ring.
 * A folder is `src-main/<name>`, `src-shared/<name>`, `src-sandbox/<name>`,
 * `src-renderer/features/<name>` or `src-renderer/<name>`; a file at a layer's root is the layer.
 * Tests are left out (a test may reach across), type-only imports count (they tie the folders'
 * designs together as much as runtime imports do). The renderer store's root files
 * (`src-renderer/store/index.ts`, `types.ts`) compose the feature slices (each in its feature
 * folder) into one zustand store, and `bridge.ts` wires the transport's pushes into them: they are
 * the renderer state's composition root, as `src-main/app` is main's, so their imports of feature
 * folders are left out (every feature imports the store's hook).
 *
 *   npx tsx scripts/folder-cycles.ts       # prints the cycles, exits 1 when there is one
 */
import fs from 'node:fs';
import path from 'node:path';

const LAYERS = ['src-main', 'src-shared', 'src-renderer', 'src-preload', 'src-sandbox'];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The folder a repository-relative file belongs to, or undefined outside the layers. */
export function folderOf(file: string): string | undefined {
  const parts = file.split('/');
  if (!LAYERS.includes(parts[0]!)) return undefined;
  if (parts.length <= 2) return parts[0];
  if (parts[0] === 'src-renderer' && parts[1] === 'features' && parts.length > 3) return parts.slice(0, 3).join('/');
  return parts.slice(0, 2).join('/');
}

const COMPOSITION_ROOTS = new Set(['src-renderer/store/index.ts', 'src-renderer/store/types.ts', 'src-renderer/store/bridge.ts']);

const isSource = (f: string) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith('.d.ts');

function walk(root: string, dir: string, out: string[]) {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) walk(root, rel, out);
    else if (isSource(rel)) out.push(rel);
  }
}

/** The file an extension-less import names (`../store` may be `store.ts` or `store/index.ts`). */
function resolve(root: string, target: string): string {
  for (const candidate of [`${target}.ts`, `${target}.tsx`, `${target}/index.ts`, `${target}/index.tsx`])
    if (fs.existsSync(path.join(root, candidate))) return candidate;
  return target;
}

/** Folder → folders it imports (non-test sources under `root`). */
export function folderGraph(root: string): Map<string, Set<string>> {
  const files: string[] = [];
  for (const layer of LAYERS) if (fs.existsSync(path.join(root, layer))) walk(root, layer, files);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    if (COMPOSITION_ROOTS.has(file)) continue;
    const from = folderOf(file)!;
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue;
      const to = folderOf(resolve(root, path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))));
      if (!to || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** Strongly connected groups of more than one folder (Tarjan), each sorted, the list sorted. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** For a cycle, the imports that close it: every edge between two of its folders. */
export const edgesWithin = (graph: Map<string, Set<string>>, group: string[]): string[] =>
  group.flatMap((a) => [...(graph.get(a) ?? [])].filter((b) => group.includes(b)).map((b) => `${a} -> ${b}`));

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = folderGraph(process.cwd());
  const found = cycles(graph);
  for (const g of found) console.log(`cycle: ${g.join(' <-> ')}\n  ${edgesWithin(graph, g).join('\n  ')}`);
  if (found.length === 0) console.log('no folder cycles');
  process.exitCode = found.length ? 1 : 0;
}
