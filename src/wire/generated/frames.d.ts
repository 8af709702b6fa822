import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Frame {
    kind: number;
    task: string;
    attempt: number;
    service: string;
    payload: Uint8Array<ArrayBuffer>;
    codec: number;
    seq: number;
    prior: Payload[];
    credit: number;
    timeoutMs: number;
    flags: number;
    code: string;
    message: string;
    load: number;
    capacity: number;
    time: number;
    token: Uint8Array<ArrayBuffer>;
    more: Payload[];
    traceparent: string;
}
export declare namespace Frame {
    const codec: () => Codec<Frame>;
    interface FrameKindFieldEvent {
        field: '$.kind';
        value: number;
    }
    interface FrameTaskFieldEvent {
        field: '$.task';
        value: string;
    }
    interface FrameAttemptFieldEvent {
        field: '$.attempt';
        value: number;
    }
    interface FrameServiceFieldEvent {
        field: '$.service';
        value: string;
    }
    interface FramePayloadFieldEvent {
        field: '$.payload';
        value: Uint8Array<ArrayBuffer>;
    }
    interface FrameCodecFieldEvent {
        field: '$.codec';
        value: number;
    }
    interface FrameSeqFieldEvent {
        field: '$.seq';
        value: number;
    }
    interface FramePriorDataFieldEvent {
        field: '$.prior[].data';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface FramePriorCodecFieldEvent {
        field: '$.prior[].codec';
        value: number;
        index: number;
    }
    interface FrameCreditFieldEvent {
        field: '$.credit';
        value: number;
    }
    interface FrameTimeoutMsFieldEvent {
        field: '$.timeoutMs';
        value: number;
    }
    interface FrameFlagsFieldEvent {
        field: '$.flags';
        value: number;
    }
    interface FrameCodeFieldEvent {
        field: '$.code';
        value: string;
    }
    interface FrameMessageFieldEvent {
        field: '$.message';
        value: string;
    }
    interface FrameLoadFieldEvent {
        field: '$.load';
        value: number;
    }
    interface FrameCapacityFieldEvent {
        field: '$.capacity';
        value: number;
    }
    interface FrameTimeFieldEvent {
        field: '$.time';
        value: number;
    }
    interface FrameTokenFieldEvent {
        field: '$.token';
        value: Uint8Array<ArrayBuffer>;
    }
    interface FrameMoreDataFieldEvent {
        field: '$.more[].data';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface FrameMoreCodecFieldEvent {
        field: '$.more[].codec';
        value: number;
        index: number;
    }
    interface FrameTraceparentFieldEvent {
        field: '$.traceparent';
        value: string;
    }
    function encode(obj: Partial<Frame>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Frame>): Frame;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Frame>): Generator<FrameKindFieldEvent | FrameTaskFieldEvent | FrameAttemptFieldEvent | FrameServiceFieldEvent | FramePayloadFieldEvent | FrameCodecFieldEvent | FrameSeqFieldEvent | FramePriorDataFieldEvent | FramePriorCodecFieldEvent | FrameCreditFieldEvent | FrameTimeoutMsFieldEvent | FrameFlagsFieldEvent | FrameCodeFieldEvent | FrameMessageFieldEvent | FrameLoadFieldEvent | FrameCapacityFieldEvent | FrameTimeFieldEvent | FrameTokenFieldEvent | FrameMoreDataFieldEvent | FrameMoreCodecFieldEvent | FrameTraceparentFieldEvent>;
}
export interface Payload {
    data: Uint8Array<ArrayBuffer>;
    codec: number;
}
export declare namespace Payload {
    const codec: () => Codec<Payload>;
    interface PayloadDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PayloadCodecFieldEvent {
        field: '$.codec';
        value: number;
    }
    function encode(obj: Partial<Payload>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Payload>): Payload;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Payload>): Generator<PayloadDataFieldEvent | PayloadCodecFieldEvent>;
}
