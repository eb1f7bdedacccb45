import type { ResourceRef, ResourceType } from '../../../src-shared/resources/contract';
import type { SliceCreator } from '../../store/types';

export interface ResourceFilters {
  cluster: string;
  namespace: string;
  text: string;
}
export const emptyResourceFilters: ResourceFilters = { cluster: '', namespace: '', text: '' };

/** The Resources view: which type it shows (persisted), its filters, the object in its drawer. */
export interface ResourcesSlice {
  resourceType: ResourceType;
  resourceFilters: ResourceFilters;
  resourceSelected: ResourceRef | null;
  setResourceType: (type: ResourceType) => void;
  setResourceFilter: (key: keyof ResourceFilters, value: string) => void;
  resetResourceFilters: () => void;
  openResource: (ref: ResourceRef) => void;
  closeResource: () => void;
}

export const createResourcesSlice: SliceCreator<ResourcesSlice> = (set) => ({
  resourceType: { group: '', version: 'v1', resource: 'services' },
  resourceFilters: emptyResourceFilters,
  resourceSelected: null,
  setResourceType: (resourceType) => set((s) => ({ resourceType, resourceFilters: { ...s.resourceFilters, namespace: '' } })),
  setResourceFilter: (key, value) =>
    set((s) => (s.resourceFilters[key] === value ? {} : { resourceFilters: { ...s.resourceFilters, [key]: value } })),
  resetResourceFilters: () => set({ resourceFilters: emptyResourceFilters }),
  openResource: (resourceSelected) => set({ resourceSelected }),
  closeResource: () => set({ resourceSelected: null }),
});
