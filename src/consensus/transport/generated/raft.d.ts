import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface RaftEntry {
    index: number;
    term: number;
    type: number;
    data: Uint8Array<ArrayBuffer>;
}
export declare namespace RaftEntry {
    const codec: () => Codec<RaftEntry>;
    interface RaftEntryIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    interface RaftEntryTermFieldEvent {
        field: '$.term';
        value: number;
    }
    interface RaftEntryTypeFieldEvent {
        field: '$.type';
        value: number;
    }
    interface RaftEntryDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<RaftEntry>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RaftEntry>): RaftEntry;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RaftEntry>): Generator<RaftEntryIndexFieldEvent | RaftEntryTermFieldEvent | RaftEntryTypeFieldEvent | RaftEntryDataFieldEvent>;
}
export interface RaftSnapshot {
    index: number;
    term: number;
    members: string[];
    data: Uint8Array<ArrayBuffer>;
}
export declare namespace RaftSnapshot {
    const codec: () => Codec<RaftSnapshot>;
    interface RaftSnapshotIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    interface RaftSnapshotTermFieldEvent {
        field: '$.term';
        value: number;
    }
    interface RaftSnapshotMembersFieldEvent {
        field: '$.members[]';
        index: number;
        value: string;
    }
    interface RaftSnapshotDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<RaftSnapshot>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RaftSnapshot>): RaftSnapshot;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RaftSnapshot>): Generator<RaftSnapshotIndexFieldEvent | RaftSnapshotTermFieldEvent | RaftSnapshotMembersFieldEvent | RaftSnapshotDataFieldEvent>;
}
export interface RaftMessage {
    type: number;
    from: string;
    to: string;
    term: number;
    lastIndex: number;
    lastTerm: number;
    transfer: boolean;
    reject: boolean;
    prevIndex: number;
    prevTerm: number;
    entries: RaftEntry[];
    commit: number;
    index: number;
    hintIndex: number;
    hintTerm: number;
    context: number;
    snapshot?: RaftSnapshot;
}
export declare namespace RaftMessage {
    const codec: () => Codec<RaftMessage>;
    interface RaftMessageTypeFieldEvent {
        field: '$.type';
        value: number;
    }
    interface RaftMessageFromFieldEvent {
        field: '$.from';
        value: string;
    }
    interface RaftMessageToFieldEvent {
        field: '$.to';
        value: string;
    }
    interface RaftMessageTermFieldEvent {
        field: '$.term';
        value: number;
    }
    interface RaftMessageLastIndexFieldEvent {
        field: '$.lastIndex';
        value: number;
    }
    interface RaftMessageLastTermFieldEvent {
        field: '$.lastTerm';
        value: number;
    }
    interface RaftMessageTransferFieldEvent {
        field: '$.transfer';
        value: boolean;
    }
    interface RaftMessageRejectFieldEvent {
        field: '$.reject';
        value: boolean;
    }
    interface RaftMessagePrevIndexFieldEvent {
        field: '$.prevIndex';
        value: number;
    }
    interface RaftMessagePrevTermFieldEvent {
        field: '$.prevTerm';
        value: number;
    }
    interface RaftMessageEntriesIndexFieldEvent {
        field: '$.entries[].index';
        value: number;
        index: number;
    }
    interface RaftMessageEntriesTermFieldEvent {
        field: '$.entries[].term';
        value: number;
        index: number;
    }
    interface RaftMessageEntriesTypeFieldEvent {
        field: '$.entries[].type';
        value: number;
        index: number;
    }
    interface RaftMessageEntriesDataFieldEvent {
        field: '$.entries[].data';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface RaftMessageCommitFieldEvent {
        field: '$.commit';
        value: number;
    }
    interface RaftMessageIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    interface RaftMessageHintIndexFieldEvent {
        field: '$.hintIndex';
        value: number;
    }
    interface RaftMessageHintTermFieldEvent {
        field: '$.hintTerm';
        value: number;
    }
    interface RaftMessageContextFieldEvent {
        field: '$.context';
        value: number;
    }
    interface RaftMessageSnapshotIndexFieldEvent {
        field: '$.snapshot.index';
        value: number;
    }
    interface RaftMessageSnapshotTermFieldEvent {
        field: '$.snapshot.term';
        value: number;
    }
    interface RaftMessageSnapshotMembersFieldEvent {
        field: '$.snapshot.members[]';
        index: number;
        value: string;
    }
    interface RaftMessageSnapshotDataFieldEvent {
        field: '$.snapshot.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<RaftMessage>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RaftMessage>): RaftMessage;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RaftMessage>): Generator<RaftMessageTypeFieldEvent | RaftMessageFromFieldEvent | RaftMessageToFieldEvent | RaftMessageTermFieldEvent | RaftMessageLastIndexFieldEvent | RaftMessageLastTermFieldEvent | RaftMessageTransferFieldEvent | RaftMessageRejectFieldEvent | RaftMessagePrevIndexFieldEvent | RaftMessagePrevTermFieldEvent | RaftMessageEntriesIndexFieldEvent | RaftMessageEntriesTermFieldEvent | RaftMessageEntriesTypeFieldEvent | RaftMessageEntriesDataFieldEvent | RaftMessageCommitFieldEvent | RaftMessageIndexFieldEvent | RaftMessageHintIndexFieldEvent | RaftMessageHintTermFieldEvent | RaftMessageContextFieldEvent | RaftMessageSnapshotIndexFieldEvent | RaftMessageSnapshotTermFieldEvent | RaftMessageSnapshotMembersFieldEvent | RaftMessageSnapshotDataFieldEvent>;
}
export interface RaftFrame {
    group: string;
    messages: RaftMessage[];
}
export declare namespace RaftFrame {
    const codec: () => Codec<RaftFrame>;
    interface RaftFrameGroupFieldEvent {
        field: '$.group';
        value: string;
    }
    interface RaftFrameMessagesTypeFieldEvent {
        field: '$.messages[].type';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesFromFieldEvent {
        field: '$.messages[].from';
        value: string;
        index: number;
    }
    interface RaftFrameMessagesToFieldEvent {
        field: '$.messages[].to';
        value: string;
        index: number;
    }
    interface RaftFrameMessagesTermFieldEvent {
        field: '$.messages[].term';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesLastIndexFieldEvent {
        field: '$.messages[].lastIndex';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesLastTermFieldEvent {
        field: '$.messages[].lastTerm';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesTransferFieldEvent {
        field: '$.messages[].transfer';
        value: boolean;
        index: number;
    }
    interface RaftFrameMessagesRejectFieldEvent {
        field: '$.messages[].reject';
        value: boolean;
        index: number;
    }
    interface RaftFrameMessagesPrevIndexFieldEvent {
        field: '$.messages[].prevIndex';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesPrevTermFieldEvent {
        field: '$.messages[].prevTerm';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesEntriesIndexFieldEvent {
        field: '$.messages[].entries[].index';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesEntriesTermFieldEvent {
        field: '$.messages[].entries[].term';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesEntriesTypeFieldEvent {
        field: '$.messages[].entries[].type';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesEntriesDataFieldEvent {
        field: '$.messages[].entries[].data';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface RaftFrameMessagesCommitFieldEvent {
        field: '$.messages[].commit';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesIndexFieldEvent {
        field: '$.messages[].index';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesHintIndexFieldEvent {
        field: '$.messages[].hintIndex';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesHintTermFieldEvent {
        field: '$.messages[].hintTerm';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesContextFieldEvent {
        field: '$.messages[].context';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesSnapshotIndexFieldEvent {
        field: '$.messages[].snapshot.index';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesSnapshotTermFieldEvent {
        field: '$.messages[].snapshot.term';
        value: number;
        index: number;
    }
    interface RaftFrameMessagesSnapshotMembersFieldEvent {
        field: '$.messages[].snapshot.members[]';
        index: number;
        value: string;
    }
    interface RaftFrameMessagesSnapshotDataFieldEvent {
        field: '$.messages[].snapshot.data';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    function encode(obj: Partial<RaftFrame>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RaftFrame>): RaftFrame;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RaftFrame>): Generator<RaftFrameGroupFieldEvent | RaftFrameMessagesTypeFieldEvent | RaftFrameMessagesFromFieldEvent | RaftFrameMessagesToFieldEvent | RaftFrameMessagesTermFieldEvent | RaftFrameMessagesLastIndexFieldEvent | RaftFrameMessagesLastTermFieldEvent | RaftFrameMessagesTransferFieldEvent | RaftFrameMessagesRejectFieldEvent | RaftFrameMessagesPrevIndexFieldEvent | RaftFrameMessagesPrevTermFieldEvent | RaftFrameMessagesEntriesIndexFieldEvent | RaftFrameMessagesEntriesTermFieldEvent | RaftFrameMessagesEntriesTypeFieldEvent | RaftFrameMessagesEntriesDataFieldEvent | RaftFrameMessagesCommitFieldEvent | RaftFrameMessagesIndexFieldEvent | RaftFrameMessagesHintIndexFieldEvent | RaftFrameMessagesHintTermFieldEvent | RaftFrameMessagesContextFieldEvent | RaftFrameMessagesSnapshotIndexFieldEvent | RaftFrameMessagesSnapshotTermFieldEvent | RaftFrameMessagesSnapshotMembersFieldEvent | RaftFrameMessagesSnapshotDataFieldEvent>;
}
