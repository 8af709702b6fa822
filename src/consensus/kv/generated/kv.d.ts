import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface KvCommand {
    version: number;
    op: number;
    client: string;
    seq: number;
    term: number;
    timeMs: number;
    key: string;
    value: Uint8Array<ArrayBuffer>;
    expectedRevision: number;
    session: number;
    ttlMs: number;
    token: number;
}
export declare namespace KvCommand {
    const codec: () => Codec<KvCommand>;
    interface KvCommandVersionFieldEvent {
        field: '$.version';
        value: number;
    }
    interface KvCommandOpFieldEvent {
        field: '$.op';
        value: number;
    }
    interface KvCommandClientFieldEvent {
        field: '$.client';
        value: string;
    }
    interface KvCommandSeqFieldEvent {
        field: '$.seq';
        value: number;
    }
    interface KvCommandTermFieldEvent {
        field: '$.term';
        value: number;
    }
    interface KvCommandTimeMsFieldEvent {
        field: '$.timeMs';
        value: number;
    }
    interface KvCommandKeyFieldEvent {
        field: '$.key';
        value: string;
    }
    interface KvCommandValueFieldEvent {
        field: '$.value';
        value: Uint8Array<ArrayBuffer>;
    }
    interface KvCommandExpectedRevisionFieldEvent {
        field: '$.expectedRevision';
        value: number;
    }
    interface KvCommandSessionFieldEvent {
        field: '$.session';
        value: number;
    }
    interface KvCommandTtlMsFieldEvent {
        field: '$.ttlMs';
        value: number;
    }
    interface KvCommandTokenFieldEvent {
        field: '$.token';
        value: number;
    }
    function encode(obj: Partial<KvCommand>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KvCommand>): KvCommand;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KvCommand>): Generator<KvCommandVersionFieldEvent | KvCommandOpFieldEvent | KvCommandClientFieldEvent | KvCommandSeqFieldEvent | KvCommandTermFieldEvent | KvCommandTimeMsFieldEvent | KvCommandKeyFieldEvent | KvCommandValueFieldEvent | KvCommandExpectedRevisionFieldEvent | KvCommandSessionFieldEvent | KvCommandTtlMsFieldEvent | KvCommandTokenFieldEvent>;
}
export interface KvState {
    version: number;
    appliedIndex: number;
    revision: number;
    clockMs: number;
    clockTerm: number;
    clockLastMs: number;
    nextSession: number;
    historyStart: number;
    keys: KeyRecord[];
    sessions: SessionRecord[];
    locks: LockRecord[];
    clients: ClientRecord[];
    history: ChangeRecord[];
}
export declare namespace KvState {
    const codec: () => Codec<KvState>;
    interface KvStateVersionFieldEvent {
        field: '$.version';
        value: number;
    }
    interface KvStateAppliedIndexFieldEvent {
        field: '$.appliedIndex';
        value: number;
    }
    interface KvStateRevisionFieldEvent {
        field: '$.revision';
        value: number;
    }
    interface KvStateClockMsFieldEvent {
        field: '$.clockMs';
        value: number;
    }
    interface KvStateClockTermFieldEvent {
        field: '$.clockTerm';
        value: number;
    }
    interface KvStateClockLastMsFieldEvent {
        field: '$.clockLastMs';
        value: number;
    }
    interface KvStateNextSessionFieldEvent {
        field: '$.nextSession';
        value: number;
    }
    interface KvStateHistoryStartFieldEvent {
        field: '$.historyStart';
        value: number;
    }
    interface KvStateKeysKeyFieldEvent {
        field: '$.keys[].key';
        value: string;
        index: number;
    }
    interface KvStateKeysValueFieldEvent {
        field: '$.keys[].value';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface KvStateKeysCreateRevisionFieldEvent {
        field: '$.keys[].createRevision';
        value: number;
        index: number;
    }
    interface KvStateKeysModRevisionFieldEvent {
        field: '$.keys[].modRevision';
        value: number;
        index: number;
    }
    interface KvStateKeysVersionFieldEvent {
        field: '$.keys[].version';
        value: number;
        index: number;
    }
    interface KvStateSessionsIdFieldEvent {
        field: '$.sessions[].id';
        value: number;
        index: number;
    }
    interface KvStateSessionsOwnerFieldEvent {
        field: '$.sessions[].owner';
        value: string;
        index: number;
    }
    interface KvStateSessionsTtlMsFieldEvent {
        field: '$.sessions[].ttlMs';
        value: number;
        index: number;
    }
    interface KvStateSessionsRenewedAtMsFieldEvent {
        field: '$.sessions[].renewedAtMs';
        value: number;
        index: number;
    }
    interface KvStateLocksNameFieldEvent {
        field: '$.locks[].name';
        value: string;
        index: number;
    }
    interface KvStateLocksSessionFieldEvent {
        field: '$.locks[].session';
        value: number;
        index: number;
    }
    interface KvStateLocksTokenFieldEvent {
        field: '$.locks[].token';
        value: number;
        index: number;
    }
    interface KvStateLocksTtlMsFieldEvent {
        field: '$.locks[].ttlMs';
        value: number;
        index: number;
    }
    interface KvStateClientsClientFieldEvent {
        field: '$.clients[].client';
        value: string;
        index: number;
    }
    interface KvStateClientsFloorFieldEvent {
        field: '$.clients[].floor';
        value: number;
        index: number;
    }
    interface KvStateClientsResultsSeqFieldEvent {
        field: '$.clients[].results[].seq';
        value: number;
        index: number;
    }
    interface KvStateClientsResultsResultFieldEvent {
        field: '$.clients[].results[].result';
        value: string;
        index: number;
    }
    interface KvStateHistoryRevisionFieldEvent {
        field: '$.history[].revision';
        value: number;
        index: number;
    }
    interface KvStateHistoryTypeFieldEvent {
        field: '$.history[].type';
        value: number;
        index: number;
    }
    interface KvStateHistoryKeyFieldEvent {
        field: '$.history[].key';
        value: string;
        index: number;
    }
    interface KvStateHistoryValueFieldEvent {
        field: '$.history[].value';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface KvStateHistorySessionFieldEvent {
        field: '$.history[].session';
        value: number;
        index: number;
    }
    interface KvStateHistoryTokenFieldEvent {
        field: '$.history[].token';
        value: number;
        index: number;
    }
    function encode(obj: Partial<KvState>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KvState>): KvState;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KvState>): Generator<KvStateVersionFieldEvent | KvStateAppliedIndexFieldEvent | KvStateRevisionFieldEvent | KvStateClockMsFieldEvent | KvStateClockTermFieldEvent | KvStateClockLastMsFieldEvent | KvStateNextSessionFieldEvent | KvStateHistoryStartFieldEvent | KvStateKeysKeyFieldEvent | KvStateKeysValueFieldEvent | KvStateKeysCreateRevisionFieldEvent | KvStateKeysModRevisionFieldEvent | KvStateKeysVersionFieldEvent | KvStateSessionsIdFieldEvent | KvStateSessionsOwnerFieldEvent | KvStateSessionsTtlMsFieldEvent | KvStateSessionsRenewedAtMsFieldEvent | KvStateLocksNameFieldEvent | KvStateLocksSessionFieldEvent | KvStateLocksTokenFieldEvent | KvStateLocksTtlMsFieldEvent | KvStateClientsClientFieldEvent | KvStateClientsFloorFieldEvent | KvStateClientsResultsSeqFieldEvent | KvStateClientsResultsResultFieldEvent | KvStateHistoryRevisionFieldEvent | KvStateHistoryTypeFieldEvent | KvStateHistoryKeyFieldEvent | KvStateHistoryValueFieldEvent | KvStateHistorySessionFieldEvent | KvStateHistoryTokenFieldEvent>;
}
export interface KeyRecord {
    key: string;
    value: Uint8Array<ArrayBuffer>;
    createRevision: number;
    modRevision: number;
    version: number;
}
export declare namespace KeyRecord {
    const codec: () => Codec<KeyRecord>;
    interface KeyRecordKeyFieldEvent {
        field: '$.key';
        value: string;
    }
    interface KeyRecordValueFieldEvent {
        field: '$.value';
        value: Uint8Array<ArrayBuffer>;
    }
    interface KeyRecordCreateRevisionFieldEvent {
        field: '$.createRevision';
        value: number;
    }
    interface KeyRecordModRevisionFieldEvent {
        field: '$.modRevision';
        value: number;
    }
    interface KeyRecordVersionFieldEvent {
        field: '$.version';
        value: number;
    }
    function encode(obj: Partial<KeyRecord>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyRecord>): KeyRecord;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KeyRecord>): Generator<KeyRecordKeyFieldEvent | KeyRecordValueFieldEvent | KeyRecordCreateRevisionFieldEvent | KeyRecordModRevisionFieldEvent | KeyRecordVersionFieldEvent>;
}
export interface SessionRecord {
    id: number;
    owner: string;
    ttlMs: number;
    renewedAtMs: number;
}
export declare namespace SessionRecord {
    const codec: () => Codec<SessionRecord>;
    interface SessionRecordIdFieldEvent {
        field: '$.id';
        value: number;
    }
    interface SessionRecordOwnerFieldEvent {
        field: '$.owner';
        value: string;
    }
    interface SessionRecordTtlMsFieldEvent {
        field: '$.ttlMs';
        value: number;
    }
    interface SessionRecordRenewedAtMsFieldEvent {
        field: '$.renewedAtMs';
        value: number;
    }
    function encode(obj: Partial<SessionRecord>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionRecord>): SessionRecord;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionRecord>): Generator<SessionRecordIdFieldEvent | SessionRecordOwnerFieldEvent | SessionRecordTtlMsFieldEvent | SessionRecordRenewedAtMsFieldEvent>;
}
export interface LockRecord {
    name: string;
    session: number;
    token: number;
    ttlMs: number;
}
export declare namespace LockRecord {
    const codec: () => Codec<LockRecord>;
    interface LockRecordNameFieldEvent {
        field: '$.name';
        value: string;
    }
    interface LockRecordSessionFieldEvent {
        field: '$.session';
        value: number;
    }
    interface LockRecordTokenFieldEvent {
        field: '$.token';
        value: number;
    }
    interface LockRecordTtlMsFieldEvent {
        field: '$.ttlMs';
        value: number;
    }
    function encode(obj: Partial<LockRecord>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LockRecord>): LockRecord;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LockRecord>): Generator<LockRecordNameFieldEvent | LockRecordSessionFieldEvent | LockRecordTokenFieldEvent | LockRecordTtlMsFieldEvent>;
}
export interface ClientRecord {
    client: string;
    floor: number;
    results: SeqResult[];
}
export declare namespace ClientRecord {
    const codec: () => Codec<ClientRecord>;
    interface ClientRecordClientFieldEvent {
        field: '$.client';
        value: string;
    }
    interface ClientRecordFloorFieldEvent {
        field: '$.floor';
        value: number;
    }
    interface ClientRecordResultsSeqFieldEvent {
        field: '$.results[].seq';
        value: number;
        index: number;
    }
    interface ClientRecordResultsResultFieldEvent {
        field: '$.results[].result';
        value: string;
        index: number;
    }
    function encode(obj: Partial<ClientRecord>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientRecord>): ClientRecord;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientRecord>): Generator<ClientRecordClientFieldEvent | ClientRecordFloorFieldEvent | ClientRecordResultsSeqFieldEvent | ClientRecordResultsResultFieldEvent>;
}
export interface SeqResult {
    seq: number;
    result: string;
}
export declare namespace SeqResult {
    const codec: () => Codec<SeqResult>;
    interface SeqResultSeqFieldEvent {
        field: '$.seq';
        value: number;
    }
    interface SeqResultResultFieldEvent {
        field: '$.result';
        value: string;
    }
    function encode(obj: Partial<SeqResult>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SeqResult>): SeqResult;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SeqResult>): Generator<SeqResultSeqFieldEvent | SeqResultResultFieldEvent>;
}
export interface ChangeRecord {
    revision: number;
    type: number;
    key: string;
    value: Uint8Array<ArrayBuffer>;
    session: number;
    token: number;
}
export declare namespace ChangeRecord {
    const codec: () => Codec<ChangeRecord>;
    interface ChangeRecordRevisionFieldEvent {
        field: '$.revision';
        value: number;
    }
    interface ChangeRecordTypeFieldEvent {
        field: '$.type';
        value: number;
    }
    interface ChangeRecordKeyFieldEvent {
        field: '$.key';
        value: string;
    }
    interface ChangeRecordValueFieldEvent {
        field: '$.value';
        value: Uint8Array<ArrayBuffer>;
    }
    interface ChangeRecordSessionFieldEvent {
        field: '$.session';
        value: number;
    }
    interface ChangeRecordTokenFieldEvent {
        field: '$.token';
        value: number;
    }
    function encode(obj: Partial<ChangeRecord>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChangeRecord>): ChangeRecord;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChangeRecord>): Generator<ChangeRecordRevisionFieldEvent | ChangeRecordTypeFieldEvent | ChangeRecordKeyFieldEvent | ChangeRecordValueFieldEvent | ChangeRecordSessionFieldEvent | ChangeRecordTokenFieldEvent>;
}
