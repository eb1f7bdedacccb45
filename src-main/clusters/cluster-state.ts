/**
 * Pure derivation of a cluster's ConnectionState from its reflectors' statuses:
 * idle → connecting → live; live → reconnecting (since) → stale after `staleAfterMs` or at once on
 * an auth/credential failure; error when it never got live and the attempt failed.
 */
import type { ConnectionState } from '../../src-shared/clusters/contract';
import type { AppError } from '../../src-shared/result';
import type { ReflectorStatus } from '../watch/reflector';

export interface DerivedState {
  state: ConnectionState;
  error?: AppError;
}

const credentialCodes = new Set([
  'cluster-unauthorized',
  'cluster-forbidden',
  'exec-plugin-missing',
  'exec-plugin-failed',
  'kubeconfig-invalid',
  'tls-error',
]);

export function deriveState(
  required: ReflectorStatus[],
  prev: { state: ConnectionState; since: number },
  now: number,
  staleAfterMs: number,
): DerivedState {
  const error = required.find((s) => s.error)?.error;
  const allLive = required.every((s) => s.synced && s.phase === 'watching');
  if (allLive) return { state: 'live' };
  const everSynced = required.every((s) => s.synced);
  if (!everSynced) {
    // First connection: an error means we cannot connect (yet); retries continue underneath.
    return error ? { state: 'error', error } : { state: 'connecting' };
  }
  if (error && credentialCodes.has(error.code)) return { state: 'stale', error };
  if (prev.state === 'stale') return { state: 'stale', error };
  if (prev.state === 'reconnecting' && now - prev.since >= staleAfterMs) return { state: 'stale', error };
  return { state: 'reconnecting', error };
}
