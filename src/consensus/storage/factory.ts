/** How a platform gives a member its storage. */
import type { RaftStorage } from '../log-types.ts'

/**
 * Opens the storage of this peer's member of group `group`: durable in
 * `dataDir` when given, else wherever the platform keeps it (memory).
 */
export type RaftStorageFactory = (group: string, dataDir: string | undefined) => Promise<RaftStorage>
