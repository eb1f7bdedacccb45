/** Moved to src-main/testing/fake-kube.ts; this path stays only for the log and release tests that still import it. */
export * from '../../testing/fake-kube';
