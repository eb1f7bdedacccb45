/** Map network, TLS and HTTP failures to AppErrors that say what happened and what to do. */
import type { AppError } from '../../src-shared/result';
import { isStatus } from '../../src-shared/k8s/types';
import { redact } from './redact';

export interface ErrorContext {
  clusterId: string;
  server: string;
  /** e.g. 'list', 'watch', 'get', 'patch'. */
  verb?: string;
  /** e.g. 'pods', 'deployments'. */
  resource?: string;
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

const isTlsCode = (code: string) =>
  code.startsWith('CERT_') ||
  code.startsWith('ERR_TLS_') ||
  code.startsWith('ERR_SSL_') ||
  code.startsWith('ERR_OSSL_') ||
  [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'HOSTNAME_MISMATCH',
    'EPROTO',
  ].includes(code);

export function networkError(e: unknown, ctx: ErrorContext): AppError {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  const what = ctx.verb && ctx.resource ? ` while trying to ${ctx.verb} ${ctx.resource}` : '';
  if (isTlsCode(code)) {
    return {
      code: 'tls-error',
      message: `TLS handshake with ${ctx.server} failed (${code})${what}. Check the cluster's certificate-authority in the kubeconfig, or the server name.`,
      clusterId: ctx.clusterId,
    };
  }
  if (unreachableCodes.has(code) || /socket hang up/i.test((e as Error)?.message ?? '')) {
    return {
      code: 'cluster-unreachable',
      message: `Cannot reach the API server at ${ctx.server} (${code || 'connection closed'})${what}. Check your network or VPN; Capstan retries automatically.`,
      clusterId: ctx.clusterId,
    };
  }
  return {
    code: 'cluster-unreachable',
    message: `Request to ${ctx.server} failed (${code || redact(String((e as Error)?.message ?? e), 120)})${what}. Check your network or VPN; Capstan retries automatically.`,
    clusterId: ctx.clusterId,
  };
}

/** Status message from a (bounded) error body, redacted; '' if none. */
function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body);
    if (isStatus(s) && s.message) return redact(s.message, 240);
  } catch {
    /* not JSON */
  }
  return '';
}

export function httpError(status: number, body: string, ctx: ErrorContext): AppError {
  const base = { status, clusterId: ctx.clusterId };
  const verb = ctx.verb ?? 'access';
  const resource = ctx.resource ?? 'the API';
  const detail = statusMessage(body);
  switch (true) {
    case status === 401:
      return {
        ...base,
        code: 'cluster-unauthorized',
        message: `The API server rejected the credentials (401): token expired or invalid. Re-login / refresh your credentials (kubeconfig user), then reconnect.`,
      };
    case status === 403:
      return {
        ...base,
        code: 'cluster-forbidden',
        message: `Not allowed to ${verb} ${resource} (403)${detail ? `: ${detail}` : ''}. Ask for RBAC access or use a context with more rights.`,
      };
    case status === 404:
      return {
        ...base,
        code: 'not-found',
        message: `Not found: ${resource} (404)${detail ? `: ${detail}` : ''}. It may have been deleted, or the API is not served by this cluster.`,
      };
    case status === 410:
      return { ...base, code: 'conflict', message: `The resource version is too old (410 Gone) for ${resource}; a fresh list is needed.` };
    case status === 409:
      return { ...base, code: 'conflict', message: `Conflict (409)${detail ? `: ${detail}` : ''}. Reload the object and try again.` };
    case status === 429 || status >= 500:
      return {
        ...base,
        code: 'unavailable',
        message: `The API server is overloaded or failing (${status}) while trying to ${verb} ${resource}${detail ? `: ${detail}` : ''}. Capstan retries automatically.`,
      };
    default:
      return {
        ...base,
        code: 'response-invalid',
        message: `Unexpected answer ${status} while trying to ${verb} ${resource}${detail ? `: ${detail}` : ''}.`,
      };
  }
}
