/**
 * metav1.Status responses: every error the sandbox returns has the shape, reason and code the real
 * API server uses, because clients (kubectl, client-node, ours) branch on them.
 */
import type { ServerResponse } from 'node:http';
import type { StatusDetails } from '../kube/types';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    readonly listMeta?: { continue?: string },
  ) {
    super(message);
  }
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function reasonFor(code: number): string {
  return REASON_BY_CODE[code] ?? 'Unknown';
}

export function statusObject(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
  listMeta: { continue?: string } = {},
): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: listMeta, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return s;
}

export function sendStatus(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
  listMeta?: { continue?: string },
): void {
  sendJsonText(res, code, JSON.stringify(statusObject(code, reason, message, details, listMeta)));
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendStatus(res, err.code, err.reason, err.message, err.details, err.listMeta);
}

export function sendJsonText(res: ServerResponse, code: number, body: string, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
    'Audit-Id': crypto.randomUUID(),
    ...headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, code: number, value: unknown): void {
  sendJsonText(res, code, JSON.stringify(value));
}

/** A success Status, as DELETE of a collection or a pod log error returns. */
export function successStatus(details?: StatusDetails): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) s.details = details;
  return s;
}
