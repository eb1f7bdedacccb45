/**
 * metadata.managedFields, coarsely: one entry per manager, operation and subresource, with the
 * time of its last write (the API server's field sets are not modelled: `fieldsV1` stays empty).
 * Enough for a client to answer "who changed this last". The manager is the `fieldManager` query
 * parameter, else the user agent up to its first "/", as the API server derives it.
 */
import type { KubeObject } from './types';

export function fieldManagerOf(params: URLSearchParams, userAgent: string | undefined): string | undefined {
  const explicit = params.get('fieldManager');
  if (explicit) return explicit.slice(0, 128);
  const ua = userAgent?.split('/')[0]?.trim();
  return ua ? ua.slice(0, 128) : undefined;
}

export function recordManager(obj: KubeObject, manager: string | undefined, apiVersion: string, time: string, subresource?: string): void {
  if (!manager) return;
  const meta = obj.metadata as unknown as { managedFields?: Record<string, unknown>[] };
  const rest = (meta.managedFields ?? []).filter(
    (f) => !(f.manager === manager && f.operation === 'Update' && f.subresource === subresource),
  );
  const entry: Record<string, unknown> = { manager, operation: 'Update', apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: {} };
  if (subresource) entry.subresource = subresource;
  meta.managedFields = [...rest, entry];
}
