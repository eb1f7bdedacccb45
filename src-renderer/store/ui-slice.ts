import type { ObjectRef, WorkloadKind } from '../../src-shared/workloads/contract';
import type { SliceCreator } from './types';

export type ThemePreference = 'light' | 'dark' | 'system';
export type ViewId = string;

export interface WorkloadFilters {
  cluster: string;
  namespace: string;
  app: string;
  group: string;
  status: string;
  text: string;
}
export const emptyFilters: WorkloadFilters = { cluster: '', namespace: '', app: '', group: '', status: '', text: '' };

export interface SortState {
  column: string;
  dir: 'asc' | 'desc';
}

export interface UiSlice {
  /** Persisted UI preference. */
  theme: ThemePreference;
  /** Persisted UI preference: which kind the workloads view shows. */
  workloadKind: WorkloadKind;
  view: ViewId;
  filters: WorkloadFilters;
  sort: Record<WorkloadKind, SortState>;
  /** Object shown in the detail drawer. */
  selected: ObjectRef | null;
  helpOpen: boolean;
  setTheme: (theme: ThemePreference) => void;
  setView: (view: ViewId) => void;
  setWorkloadKind: (kind: WorkloadKind) => void;
  setFilter: (key: keyof WorkloadFilters, value: string) => void;
  resetFilters: () => void;
  setSort: (kind: WorkloadKind, column: string) => void;
  openDetail: (ref: ObjectRef) => void;
  closeDetail: () => void;
  setHelpOpen: (open: boolean) => void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  theme: 'system',
  workloadKind: 'Deployment',
  view: 'overview',
  filters: emptyFilters,
  sort: { Pod: { column: 'namespace', dir: 'asc' }, Deployment: { column: 'namespace', dir: 'asc' } },
  selected: null,
  helpOpen: false,
  setTheme: (theme) => set({ theme }),
  setView: (view) => set({ view }),
  setWorkloadKind: (workloadKind) => set((s) => ({ workloadKind, filters: { ...s.filters, status: '' } })),
  setFilter: (key, value) => set((s) => (s.filters[key] === value ? {} : { filters: { ...s.filters, [key]: value } })),
  resetFilters: () => set({ filters: emptyFilters }),
  setSort: (kind, column) =>
    set((s) => {
      const current = s.sort[kind];
      const dir = current.column === column && current.dir === 'asc' ? 'desc' : 'asc';
      return { sort: { ...s.sort, [kind]: { column, dir } } };
    }),
  openDetail: (selected) => set({ selected }),
  closeDetail: () => set({ selected: null }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
});
