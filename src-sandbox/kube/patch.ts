/**
 * The three patch types the apiserver accepts for built-in objects:
 * - JSON merge patch (RFC 7386),
 * - strategic merge patch: like merge, but lists with a patch merge key (containers by name, …)
 *   are merged element-wise, and the `$patch`, `$retainKeys`, `$setElementOrder/…` and
 *   `$deleteFromPrimitiveList/…` directives are honoured or tolerated,
 * - JSON patch (RFC 6902).
 */
export class PatchError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  return out;
}

/** Patch merge keys of the list fields in core/v1 and apps/v1 objects (from the Go struct tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  finalizers: '',
  args: '',
  command: '',
};

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObj(target) ? { ...target } : {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set(Array.isArray(v) ? v : []);
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !drop.has(x));
      continue;
    }
    if (k.startsWith('$')) continue; // other directives: tolerated, no effect
    if (v === null) {
      delete out[k];
      continue;
    }
    const mergeKey = MERGE_KEYS[k];
    if (Array.isArray(v) && mergeKey) out[k] = mergeList(out[k], v, mergeKey);
    else if (isObj(v)) {
      const merged = strategicMergePatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  if (retainKeys) for (const k of Object.keys(out)) if (!retainKeys.includes(k) && !(k in patch)) delete out[k];
  return out;
}

function mergeList(target: unknown, patch: unknown[], mergeKey: string): unknown[] {
  const base = Array.isArray(target) ? [...target] : [];
  if (patch.some((p) => isObj(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObj(p) && p.$patch === 'replace'));
  }
  if (!mergeKey) {
    // Primitive lists with merge strategy (finalizers): union, keeping order.
    for (const p of patch) if (!base.includes(p)) base.push(p);
    return base;
  }
  for (const item of patch) {
    if (!isObj(item)) {
      base.push(item);
      continue;
    }
    const idx = base.findIndex((b) => isObj(b) && b[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (idx >= 0) base.splice(idx, 1);
    } else if (idx >= 0) base[idx] = strategicMergePatch(base[idx], item);
    else base.push(strategicMergePatch({}, item));
  }
  return base;
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[]): { parent: Obj | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw new PatchError(`path not found: /${tokens.join('/')}`);
  }
  if (!isObj(cur) && !Array.isArray(cur)) throw new PatchError(`path not found: /${tokens.join('/')}`);
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function getAt(doc: unknown, tokens: string[]): unknown {
  let cur = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  let root = structuredClone(doc);
  for (const raw of ops as JsonPatchOp[]) {
    const tokens = pointer(raw.path);
    if (tokens.length === 0) {
      if (raw.op === 'replace' || raw.op === 'add') root = structuredClone(raw.value);
      else throw new PatchError(`unsupported operation on the document root: ${raw.op}`);
      continue;
    }
    const { parent, key } = parentOf(root, tokens);
    const set = (value: unknown, insert: boolean) => {
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : Number(key);
        if (insert) parent.splice(i, 0, value);
        else parent[i] = value;
      } else parent[key] = value;
    };
    const exists = Array.isArray(parent) ? Number(key) < parent.length : key in parent;
    switch (raw.op) {
      case 'add':
        set(structuredClone(raw.value), true);
        break;
      case 'replace':
        if (!exists) throw new PatchError(`replace operation does not apply: doc is missing key: ${raw.path}`);
        set(structuredClone(raw.value), false);
        break;
      case 'remove':
        if (!exists) throw new PatchError(`remove operation does not apply: doc is missing path: ${raw.path}`);
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'test':
        if (JSON.stringify(getAt(root, tokens)) !== JSON.stringify(raw.value)) throw new PatchError(`testing value ${raw.path} failed`);
        break;
      case 'copy':
      case 'move': {
        const from = pointer(raw.from ?? '');
        const value = structuredClone(getAt(root, from));
        if (raw.op === 'move') {
          const src = parentOf(root, from);
          if (Array.isArray(src.parent)) src.parent.splice(Number(src.key), 1);
          else delete src.parent[src.key];
        }
        set(value, true);
        break;
      }
      default:
        throw new PatchError(`unknown JSON patch operation: ${raw.op}`);
    }
  }
  return root;
}
