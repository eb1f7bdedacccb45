/** The channel definitions live in src-shared/base/channels.ts; this path stays for code not yet moved to it. */
export * from '../base/channels';
