import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface StoredEntry {
    index: number;
    term: number;
    type: number;
    data: Uint8Array<ArrayBuffer>;
}
export declare namespace StoredEntry {
    const codec: () => Codec<StoredEntry>;
    interface StoredEntryIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    interface StoredEntryTermFieldEvent {
        field: '$.term';
        value: number;
    }
    interface StoredEntryTypeFieldEvent {
        field: '$.type';
        value: number;
    }
    interface StoredEntryDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<StoredEntry>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredEntry>): StoredEntry;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredEntry>): Generator<StoredEntryIndexFieldEvent | StoredEntryTermFieldEvent | StoredEntryTypeFieldEvent | StoredEntryDataFieldEvent>;
}
export interface StoredHardState {
    term: number;
    vote?: string;
    commit: number;
}
export declare namespace StoredHardState {
    const codec: () => Codec<StoredHardState>;
    interface StoredHardStateTermFieldEvent {
        field: '$.term';
        value: number;
    }
    interface StoredHardStateVoteFieldEvent {
        field: '$.vote';
        value: string;
    }
    interface StoredHardStateCommitFieldEvent {
        field: '$.commit';
        value: number;
    }
    function encode(obj: Partial<StoredHardState>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredHardState>): StoredHardState;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredHardState>): Generator<StoredHardStateTermFieldEvent | StoredHardStateVoteFieldEvent | StoredHardStateCommitFieldEvent>;
}
export interface StoredSnapshot {
    index: number;
    term: number;
    members: string[];
    data: Uint8Array<ArrayBuffer>;
}
export declare namespace StoredSnapshot {
    const codec: () => Codec<StoredSnapshot>;
    interface StoredSnapshotIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    interface StoredSnapshotTermFieldEvent {
        field: '$.term';
        value: number;
    }
    interface StoredSnapshotMembersFieldEvent {
        field: '$.members[]';
        index: number;
        value: string;
    }
    interface StoredSnapshotDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<StoredSnapshot>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredSnapshot>): StoredSnapshot;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredSnapshot>): Generator<StoredSnapshotIndexFieldEvent | StoredSnapshotTermFieldEvent | StoredSnapshotMembersFieldEvent | StoredSnapshotDataFieldEvent>;
}
