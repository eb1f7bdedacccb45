import type { LogSelection } from '../../../src-shared/logs/contract';
import type { SliceCreator } from '../../store/types';

/** An open tab of the Logs screen: a log view or a shell. Tabs are session state, never persisted. */
export type LogsTab =
  | { id: string; kind: 'logs'; title: string; selection: LogSelection }
  | {
      id: string;
      kind: 'shell';
      title: string;
      target: { clusterId: string; namespace: string; pod: string; container?: string; attach?: boolean };
    }
  /** A debug container started in the pod (targeting `container`), then a shell attached to it. */
  | {
      id: string;
      kind: 'debug';
      title: string;
      target: { clusterId: string; namespace: string; pod: string; container?: string; debugImage: string };
    };

export interface LogsSlice {
  logTabs: LogsTab[];
  activeLogTab: string | null;
  openLogTab: (
    tab:
      | Omit<Extract<LogsTab, { kind: 'logs' }>, 'id'>
      | Omit<Extract<LogsTab, { kind: 'shell' }>, 'id'>
      | Omit<Extract<LogsTab, { kind: 'debug' }>, 'id'>,
  ) => string;
  closeLogTab: (id: string) => void;
  setActiveLogTab: (id: string) => void;
}

const newId = () => `t${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}`;

export const createLogsSlice: SliceCreator<LogsSlice> = (set) => ({
  logTabs: [],
  activeLogTab: null,
  openLogTab: (tab) => {
    const id = newId();
    set((s) => ({ logTabs: [...s.logTabs, { ...tab, id } as LogsTab], activeLogTab: id, view: 'logs' }));
    return id;
  },
  closeLogTab: (id) =>
    set((s) => {
      const i = s.logTabs.findIndex((t) => t.id === id);
      const logTabs = s.logTabs.filter((t) => t.id !== id);
      const activeLogTab = s.activeLogTab === id ? (logTabs[Math.min(i, logTabs.length - 1)]?.id ?? null) : s.activeLogTab;
      return { logTabs, activeLogTab };
    }),
  setActiveLogTab: (id) => set({ activeLogTab: id }),
});
