/** Crash-safe file replacement: the base layer's (temp file, fsync, rename, fsync of the folder). */
export { TEMP_MARKER, writeFileAtomic } from '../base/atomic-write';
