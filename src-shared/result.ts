import { z } from 'zod';

/** Error codes a user can meet. Every AppError message says what happened and what to do. */
export const errorCodes = [
  'invalid-payload', // renderer sent something the contract does not allow
  'forbidden-sender', // IPC from a frame that is not ours
  'not-found',
  'kubeconfig-invalid',
  'kubeconfig-missing',
  'cluster-unreachable',
  'cluster-unauthorized', // 401: token expired or wrong
  'cluster-forbidden', // 403
  'exec-plugin-missing',
  'exec-plugin-failed',
  'tls-error',
  'registry-unauthorized', // 401 from a registry: wrong username or secret
  'registry-forbidden', // 403 from a registry: the account lacks a permission
  'manifest-unsupported', // a registry answered with a manifest type we did not ask for (ignores Accept)
  'response-invalid', // truncated, non-JSON or hostile API response
  'response-too-large',
  'timeout',
  'conflict',
  'unavailable',
  'internal',
  'plan-invalid', // release plan YAML/model that does not parse or validate
  'invalid-transition', // release execution event not allowed in the current state
  'stale-state', // an approval or action given for a state that has since changed
  'locked', // another window/process drives this release execution
  'corrupt-file', // a persisted file that could not be read; it was moved aside
  'consent-required', // the vault backend is not OS-encrypted (Linux basic_text) and the user has not agreed yet
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const appErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  status: z.number().int().optional(),
  clusterId: z.string().optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; error: AppError };
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string, extra: Omit<AppError, 'code' | 'message'> = {}): Err => ({
  ok: false,
  error: { code, message, ...extra },
});

export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: appErrorSchema })]);
