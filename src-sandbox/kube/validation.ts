/**
 * Object validation as the apiserver's registries do it, with its field errors: names (DNS-1123
 * subdomain or label per kind), label and annotation keys and values, container names, and the
 * Deployment rules of defaults.ts. A 422 built from these carries details.causes, which is what
 * kubectl prints under "The Deployment "x" is invalid:".
 */
import type { ResourceInfo } from './resources';
import { validateDeployment } from './defaults';
import type { KubeObject, StatusDetails } from './types';

export type FieldErrorType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueDuplicate';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The offending value (Invalid, NotSupported, Duplicate). */
  value?: unknown;
  detail?: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueDuplicate: 'Duplicate value',
};

/** field.Error.ErrorBody(): `Invalid value: "x": detail` or `Required value`. */
export function errorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  if (e.type === 'FieldValueInvalid' || e.type === 'FieldValueNotSupported' || e.type === 'FieldValueDuplicate')
    s += `: ${formatValue(e.value)}`;
  return e.detail ? `${s}: ${e.detail}` : s;
}

export function errorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** The 422 message and details of apierrors.NewInvalid. */
export function invalidStatus(
  info: Pick<ResourceInfo, 'kind' | 'group'>,
  name: string,
  errs: FieldError[],
): { message: string; details: StatusDetails } {
  const qualified = info.group ? `${info.kind}.${info.group}` : info.kind;
  const list = errs.map(errorString);
  const message = `${qualified} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
  return {
    message,
    details: {
      name,
      group: info.group,
      kind: info.kind,
      causes: errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
    },
  };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Which name rule each kind's registry applies (namespaces are labels, services DNS-1035 labels). */
const NAME_RULE: Record<string, 'label' | 'dns1035' | 'subdomain'> = { namespaces: 'label', services: 'dns1035' };

export function nameErrors(value: string, rule: 'label' | 'dns1035' | 'subdomain', field: string): FieldError[] {
  const [re, msg, max] =
    rule === 'label'
      ? [DNS1123_LABEL, LABEL_MSG, 63]
      : rule === 'dns1035'
        ? [DNS1035_LABEL, DNS1035_MSG, 63]
        : [DNS1123_SUBDOMAIN, SUBDOMAIN_MSG, 253];
  const errs: FieldError[] = [];
  if (value.length > max) errs.push({ type: 'FieldValueInvalid', field, value, detail: `must be no more than ${max} characters` });
  if (!re.test(value)) errs.push({ type: 'FieldValueInvalid', field, value, detail: msg });
  return errs;
}

/** A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function qualifiedNameErrors(key: string, field: string): FieldError[] {
  const parts = key.split('/');
  const errs: FieldError[] = [];
  let name = key;
  if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    name = rest;
    if (!prefix) errs.push({ type: 'FieldValueInvalid', field, value: key, detail: 'prefix part must be non-empty' });
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
      errs.push({ type: 'FieldValueInvalid', field, value: key, detail: `prefix part ${SUBDOMAIN_MSG}` });
  } else if (parts.length > 2) {
    return [
      {
        type: 'FieldValueInvalid',
        field,
        value: key,
        detail: `a qualified name ${QUALIFIED_MSG.replace('name part ', '')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      },
    ];
  }
  if (!name) errs.push({ type: 'FieldValueInvalid', field, value: key, detail: 'name part must be non-empty' });
  else {
    if (name.length > 63)
      errs.push({ type: 'FieldValueInvalid', field, value: key, detail: 'name part must be no more than 63 characters' });
    if (!QUALIFIED_NAME.test(name)) errs.push({ type: 'FieldValueInvalid', field, value: key, detail: QUALIFIED_MSG });
  }
  return errs;
}

export function labelErrors(labels: unknown, field: string): FieldError[] {
  if (!labels || typeof labels !== 'object') return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, string>)) {
    errs.push(...qualifiedNameErrors(k, field));
    if (typeof v === 'string') {
      if (v.length > 63) errs.push({ type: 'FieldValueInvalid', field, value: v, detail: 'must be no more than 63 characters' });
      if (!LABEL_VALUE.test(v)) errs.push({ type: 'FieldValueInvalid', field, value: v, detail: LABEL_VALUE_MSG });
    }
  }
  return errs;
}

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function annotationErrors(annotations: unknown, field: string): FieldError[] {
  if (!annotations || typeof annotations !== 'object') return [];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, string>)) {
    errs.push(...qualifiedNameErrors(k.toLowerCase(), field));
    size += k.length + String(v).length;
  }
  if (size > MAX_ANNOTATIONS_BYTES)
    errs.push({ type: 'FieldValueTooLong', field, detail: `may not be more than ${MAX_ANNOTATIONS_BYTES} bytes` });
  return errs;
}

function containerErrors(spec: Record<string, unknown> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = spec?.[list];
    if (!Array.isArray(containers)) continue;
    const seen = new Set<string>();
    containers.forEach((c: { name?: unknown }, i) => {
      if (typeof c?.name !== 'string' || !c.name) return;
      const f = `${field}.${list}[${i}].name`;
      errs.push(...nameErrors(c.name, 'label', f));
      if (seen.has(c.name)) errs.push({ type: 'FieldValueDuplicate', field: f, value: c.name });
      seen.add(c.name);
    });
  }
  return errs;
}

/** Parses defaults.ts' `field: Invalid value: v: detail` strings back into field errors. */
function fromMessages(messages: string[]): FieldError[] {
  return messages.map((m) => {
    const i = m.indexOf(': ');
    const field = m.slice(0, i);
    const body = m.slice(i + 2);
    const type = (Object.entries(TYPE_TEXT).find(([, t]) => body.startsWith(t))?.[0] ?? 'FieldValueInvalid') as FieldErrorType;
    const rest = body.slice(TYPE_TEXT[type].length).replace(/^: /, '');
    if (type !== 'FieldValueInvalid') return { type, field, detail: rest || undefined };
    const j = rest.indexOf(': ');
    return { type, field, value: { raw: j >= 0 ? rest.slice(0, j) : rest }, detail: j >= 0 ? rest.slice(j + 2) : undefined };
  });
}

const TEMPLATED = new Set<string>(['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs']);

/** Every field error of `obj` as a create or update of `info` would find them. */
export function validateObject(info: ResourceInfo, obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const meta = obj.metadata ?? { name: '' };
  if (!meta.name && !meta.generateName)
    errs.push({ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' });
  if (meta.name) errs.push(...nameErrors(meta.name, NAME_RULE[info.name] ?? 'subdomain', 'metadata.name'));
  errs.push(...labelErrors(meta.labels, 'metadata.labels'), ...annotationErrors(meta.annotations, 'metadata.annotations'));
  if (info.name === 'pods') {
    errs.push(...containerErrors(obj.spec, 'spec'));
    if (!Array.isArray(obj.spec?.containers) || obj.spec.containers.length === 0)
      errs.push({ type: 'FieldValueRequired', field: 'spec.containers' });
  }
  const template = obj.spec?.template;
  if (template && TEMPLATED.has(info.name)) {
    errs.push(
      ...labelErrors(template.metadata?.labels, 'spec.template.metadata.labels'),
      ...containerErrors(template.spec, 'spec.template.spec'),
    );
  }
  if (info.name === 'deployments') errs.push(...fromMessages(validateDeployment(obj)));
  return errs;
}

function formatValue(v: unknown): string {
  if (v && typeof v === 'object' && 'raw' in v) return String((v as { raw: unknown }).raw);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
