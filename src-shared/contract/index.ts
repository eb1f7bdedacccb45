import { clustersContract } from '../clusters/contract';
import { editContract } from '../edit/contract';
import { eventsContract } from '../events/contract';
import { execContract } from '../exec/contract';
import { imagesContract } from '../images/contract';
import { logsContract } from '../logs/contract';
import { metricsContract } from '../metrics/contract';
import { nodesContract } from '../nodes/contract';
import { paletteContract } from '../palette/contract';
import { portforwardContract } from '../portforward/contract';
import { releasesContract } from '../releases/contract';
import { resourcesContract } from '../resources/contract';
import { workloadsContract } from '../workloads/contract';
import type { Client, Handlers } from '../base/channels';

/** Every channel of the app. Features add their contract here. */
export const contract = {
  ...clustersContract,
  ...workloadsContract,
  ...imagesContract,
  ...metricsContract,
  ...releasesContract,
  ...logsContract,
  ...execContract,
  ...resourcesContract,
  ...eventsContract,
  ...nodesContract,
  ...paletteContract,
  ...editContract,
  ...portforwardContract,
};
export type AppContract = typeof contract;
export type ChannelName = keyof AppContract;
export type AppHandlers = Handlers<AppContract>;
export type AppClient = Client<AppContract>;
