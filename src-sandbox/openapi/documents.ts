/**
 * The official Kubernetes 1.35 OpenAPI v3 documents shipped in this folder (see README.md), by the
 * group-version path the apiserver serves them under (/openapi/v3/<path>).
 */
import { readFileSync } from 'node:fs';

export const OPENAPI_DOCUMENTS: Record<string, string> = {
  'api/v1': 'api__v1_openapi.json',
  'apis/apps/v1': 'apis__apps__v1_openapi.json',
  'apis/authentication.k8s.io/v1': 'apis__authentication.k8s.io__v1_openapi.json',
  'apis/authorization.k8s.io/v1': 'apis__authorization.k8s.io__v1_openapi.json',
  'apis/autoscaling/v2': 'apis__autoscaling__v2_openapi.json',
  'apis/batch/v1': 'apis__batch__v1_openapi.json',
  'apis/coordination.k8s.io/v1': 'apis__coordination.k8s.io__v1_openapi.json',
  'apis/discovery.k8s.io/v1': 'apis__discovery.k8s.io__v1_openapi.json',
  'apis/events.k8s.io/v1': 'apis__events.k8s.io__v1_openapi.json',
  'apis/networking.k8s.io/v1': 'apis__networking.k8s.io__v1_openapi.json',
  'apis/policy/v1': 'apis__policy__v1_openapi.json',
};

export function readOpenApiDocument(file: string): string {
  return readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
}
