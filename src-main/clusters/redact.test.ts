import { describe, expect, it } from 'vitest';
import { ClusterService } from './cluster-service';
import { KubeconfigService } from './kubeconfig-service';
import { redactUserinfo, scrub } from './redact';

describe('redaction', () => {
  it('removes userinfo from URLs anywhere in a text, parseable or not', () => {
    expect(redactUserinfo('https://admin:s3cr%40t@10.0.0.1:6443/x')).toBe('https://***@10.0.0.1:6443/x');
    expect(redactUserinfo('at http://tok3n@h and https://h2/ok')).toBe('at http://***@h and https://h2/ok');
    expect(redactUserinfo('https://us er:pa ss@h')).not.toContain('pa ss');
    expect(redactUserinfo('mail me@example.com')).toBe('mail me@example.com');
  });

  it('scrubs known secrets whatever their shape or length', () => {
    expect(scrub('client_secret=Zx9.Kq~31ab!c password=hunter2', ['Zx9.Kq~31ab!c', 'hunter2'])).toBe(
      'client_secret=[redacted] password=[redacted]',
    );
  });

  it('ClusterInfo shows the server without its userinfo and flags insecure transports', () => {
    const yaml = `apiVersion: v1
kind: Config
clusters:
- { name: a, cluster: { server: "https://admin:Pa55-userinfo@127.0.0.1:9" } }
- { name: b, cluster: { server: "http://127.0.0.1:9" } }
- { name: c, cluster: { server: "https://127.0.0.1:9", insecure-skip-tls-verify: true } }
- { name: d, cluster: { server: "https://127.0.0.1:9", insecure-skip-tls-verify: true, certificate-authority-data: "LS0t" } }
users: [{ name: u, user: { token: t } }]
contexts:
- { name: a, context: { cluster: a, user: u } }
- { name: b, context: { cluster: b, user: u } }
- { name: c, context: { cluster: c, user: u } }
- { name: d, context: { cluster: d, user: u } }
`;
    const kc = KubeconfigService.fromString(yaml);
    const clusters = new ClusterService(kc, { idleCloseMs: 0 });
    const byId = Object.fromEntries(clusters.list().map((c) => [c.id, c]));
    expect(byId.a).toMatchObject({ server: 'https://***@127.0.0.1:9' });
    expect(byId.a!.insecure).toBeUndefined();
    expect(byId.b).toMatchObject({ insecure: 'http' });
    expect(byId.c).toMatchObject({ insecure: 'skip-tls-verify' });
    // kubectl: "specifying a root certificates file with the insecure flag is not allowed".
    expect(byId.d).toMatchObject({ state: 'error', error: { code: 'kubeconfig-invalid' } });
    expect(byId.d!.error!.message).toContain('insecure-skip-tls-verify');
    expect(JSON.stringify(clusters.list())).not.toContain('Pa55-userinfo');
    clusters.dispose();
    kc.dispose();
  });
});
