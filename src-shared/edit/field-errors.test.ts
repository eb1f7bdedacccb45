import { describe, expect, it } from 'vitest';
import { fieldErrors, fieldPath, parseFieldErrors } from './field-errors';

const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  template:
    spec:
      containers:
        - name: app
          image: ""
`;

describe('field errors', () => {
  it('splits a 422 message into fields', () => {
    const msg =
      'Unexpected answer 422 while trying to update deployments: Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value, spec.selector: Required value]';
    expect(parseFieldErrors(msg).map((e) => e.field)).toEqual(['spec.replicas', 'spec.template.spec.containers[0].image', 'spec.selector']);
    expect(parseFieldErrors(msg)[0]!.message).toBe('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  it('places each at its line, or its nearest existing parent', () => {
    expect(fieldPath('spec.template.spec.containers[0].image')).toEqual(['spec', 'template', 'spec', 'containers', 0, 'image']);
    const errs = fieldErrors(
      yaml,
      'X "web" is invalid: spec.replicas: Invalid value: -1: bad, spec.template.spec.containers[0].image: Required value, spec.selector: Required value',
    );
    expect(errs.map((e) => [e.field, e.line])).toEqual([
      ['spec.replicas', 6],
      ['spec.template.spec.containers[0].image', 11],
      ['spec.selector', 6],
    ]);
  });
});
