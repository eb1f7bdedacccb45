/**
 * The options every write carries, from the query string (create, update, patch) or from a
 * DeleteOptions body (delete, deletecollection), checked as the apiserver checks them.
 */
import { ApiError } from './status';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface WriteOptions {
  /** dryRun=All: run every stage of the write, store nothing, emit no watch event. */
  dryRun: boolean;
  /** Unknown fields: reject (Strict), drop with a Warning header (Warn, the default), drop silently. */
  fieldValidation: FieldValidation;
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Who writes, for managedFields (the fieldManager parameter, else the client's user agent). */
  fieldManager?: string;
}

const VALIDATION: FieldValidation[] = ['Strict', 'Warn', 'Ignore'];
const PROPAGATION: PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

interface DeleteOptionsBody {
  dryRun?: unknown;
  propagationPolicy?: unknown;
  orphanDependents?: unknown;
  gracePeriodSeconds?: unknown;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export function writeOptions(params: URLSearchParams, deleteBody?: unknown): WriteOptions {
  const body = (typeof deleteBody === 'object' && deleteBody !== null ? deleteBody : {}) as DeleteOptionsBody;
  const dryRunValues = [...params.getAll('dryRun'), ...(Array.isArray(body.dryRun) ? body.dryRun.map(String) : [])];
  for (const v of dryRunValues) {
    if (v !== 'All') throw invalidOption('dryRun', v, ['All']);
  }
  const fv = params.get('fieldValidation') ?? 'Warn';
  if (!VALIDATION.includes(fv as FieldValidation)) {
    throw new ApiError(400, 'BadRequest', `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  }
  const opts: WriteOptions = { dryRun: dryRunValues.length > 0, fieldValidation: fv as FieldValidation };
  const policy = params.get('propagationPolicy') ?? (typeof body.propagationPolicy === 'string' ? body.propagationPolicy : undefined);
  const orphan = params.get('orphanDependents') ?? (typeof body.orphanDependents === 'boolean' ? String(body.orphanDependents) : undefined);
  if (policy !== undefined) {
    if (!PROPAGATION.includes(policy as PropagationPolicy)) throw invalidOption('propagationPolicy', policy, PROPAGATION);
    if (orphan !== undefined)
      throw new ApiError(
        422,
        'Invalid',
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' +
          policy +
          '": orphanDependents and deletionPropagation cannot be both set',
      );
    opts.propagationPolicy = policy as PropagationPolicy;
  } else if (orphan !== undefined)
    opts.propagationPolicy = ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(orphan) ? 'Orphan' : 'Background';
  const grace =
    params.get('gracePeriodSeconds') ?? (typeof body.gracePeriodSeconds === 'number' ? String(body.gracePeriodSeconds) : undefined);
  if (grace !== undefined) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw new ApiError(400, 'BadRequest', `gracePeriodSeconds: Invalid value: "${grace}": must be an integer`);
    opts.gracePeriodSeconds = n;
  }
  if (body.preconditions) opts.preconditions = body.preconditions;
  return opts;
}

function invalidOption(field: string, value: string, supported: string[]): ApiError {
  const message = `${field}: Unsupported value: "${value}": supported values: ${supported.map((s) => `"${s}"`).join(', ')}`;
  return new ApiError(400, 'BadRequest', message);
}
