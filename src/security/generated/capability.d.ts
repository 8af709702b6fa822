import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Capability {
    peer: Uint8Array<ArrayBuffer>;
    services: string[];
    expiresAt: bigint;
    issuedAt: bigint;
}
export declare namespace Capability {
    const codec: () => Codec<Capability>;
    interface CapabilityPeerFieldEvent {
        field: '$.peer';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CapabilityServicesFieldEvent {
        field: '$.services[]';
        index: number;
        value: string;
    }
    interface CapabilityExpiresAtFieldEvent {
        field: '$.expiresAt';
        value: bigint;
    }
    interface CapabilityIssuedAtFieldEvent {
        field: '$.issuedAt';
        value: bigint;
    }
    function encode(obj: Partial<Capability>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Capability>): Capability;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Capability>): Generator<CapabilityPeerFieldEvent | CapabilityServicesFieldEvent | CapabilityExpiresAtFieldEvent | CapabilityIssuedAtFieldEvent>;
}
export interface SignedCapability {
    capability: Uint8Array<ArrayBuffer>;
    signature: Uint8Array<ArrayBuffer>;
}
export declare namespace SignedCapability {
    const codec: () => Codec<SignedCapability>;
    interface SignedCapabilityCapabilityFieldEvent {
        field: '$.capability';
        value: Uint8Array<ArrayBuffer>;
    }
    interface SignedCapabilitySignatureFieldEvent {
        field: '$.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<SignedCapability>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedCapability>): SignedCapability;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedCapability>): Generator<SignedCapabilityCapabilityFieldEvent | SignedCapabilitySignatureFieldEvent>;
}
