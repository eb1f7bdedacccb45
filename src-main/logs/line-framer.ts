/** Lines out of chunks: the base layer's framer (src-main/base/line-framer.ts). */
export { LineFramer, type FramedLine } from '../base/line-framer';
