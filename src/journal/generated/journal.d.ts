import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface JournalEntry {
    id: string;
    service: string;
    input: Uint8Array<ArrayBuffer>;
    codec: number;
    streaming: boolean;
    createdAt: bigint;
    deadline: bigint;
    maxAttempts: number;
    model: string;
    worker: string;
}
export declare namespace JournalEntry {
    const codec: () => Codec<JournalEntry>;
    interface JournalEntryIdFieldEvent {
        field: '$.id';
        value: string;
    }
    interface JournalEntryServiceFieldEvent {
        field: '$.service';
        value: string;
    }
    interface JournalEntryInputFieldEvent {
        field: '$.input';
        value: Uint8Array<ArrayBuffer>;
    }
    interface JournalEntryCodecFieldEvent {
        field: '$.codec';
        value: number;
    }
    interface JournalEntryStreamingFieldEvent {
        field: '$.streaming';
        value: boolean;
    }
    interface JournalEntryCreatedAtFieldEvent {
        field: '$.createdAt';
        value: bigint;
    }
    interface JournalEntryDeadlineFieldEvent {
        field: '$.deadline';
        value: bigint;
    }
    interface JournalEntryMaxAttemptsFieldEvent {
        field: '$.maxAttempts';
        value: number;
    }
    interface JournalEntryModelFieldEvent {
        field: '$.model';
        value: string;
    }
    interface JournalEntryWorkerFieldEvent {
        field: '$.worker';
        value: string;
    }
    function encode(obj: Partial<JournalEntry>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JournalEntry>): JournalEntry;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JournalEntry>): Generator<JournalEntryIdFieldEvent | JournalEntryServiceFieldEvent | JournalEntryInputFieldEvent | JournalEntryCodecFieldEvent | JournalEntryStreamingFieldEvent | JournalEntryCreatedAtFieldEvent | JournalEntryDeadlineFieldEvent | JournalEntryMaxAttemptsFieldEvent | JournalEntryModelFieldEvent | JournalEntryWorkerFieldEvent>;
}
