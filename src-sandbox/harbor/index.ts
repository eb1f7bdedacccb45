export {
  startHarbor,
  startHarborRegions,
  defaultUsers,
  type HarborOptions,
  type RegionsOptions,
  type SandboxHarbor,
  type SeedProject,
} from './server';
export type { HarborFaults } from './http-util';
export type { SandboxUser } from './state';
export type { TaskOutcome } from './replication';
export { defaultHarborProjects, describeHarbor, harborRegistryInputs, projectsFromImages, simulatePushes } from './demo';
export { scenarioImages, startScenarioHarbors, type ScenarioHarborOptions, type ScenarioHarbors } from './scenario-harbors';
