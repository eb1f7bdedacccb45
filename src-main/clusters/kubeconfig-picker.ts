import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';

/**
 * Where a kubeconfig file the user adds comes from. The renderer is untrusted: it may ask main to
 * "let the user choose a kubeconfig", never name a path itself, because main reads the chosen
 * file as a kubeconfig and may run its exec plugin. Electron implements this port with a
 * main-process open dialog (src-main/electron/dialogs.ts); browser mode has no trusted UI of its
 * own, so it refuses and says how to add the file instead.
 */
export interface KubeconfigPicker {
  /** The file the user chose; ok(undefined) when they cancelled. */
  choose(): Promise<Result<string | undefined>>;
}

/** Browser mode: the page cannot pick files for main; the command line and the settings file can. */
export function refusingKubeconfigPicker(settingsFile: string): KubeconfigPicker {
  return {
    choose: async () =>
      err(
        'unavailable',
        `In browser mode a kubeconfig cannot be added from the page. Restart with --kubeconfig <file>, or add the file's path to "kubeconfigPaths" in ${settingsFile} (it is read at start-up).`,
      ),
  };
}

/** A fixed choice (tests, scripted set-ups). */
export const fixedKubeconfigPicker = (file: string | undefined): KubeconfigPicker => ({ choose: async () => ok(file) });
