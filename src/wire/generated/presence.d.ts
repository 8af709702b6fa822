import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Announcement {
    peer: Uint8Array<ArrayBuffer>;
    seq: bigint;
    services: ServiceInfo[];
    addrs: Uint8Array<ArrayBuffer>[];
    refreshMs: number;
    gone: Uint8Array<ArrayBuffer>[];
    leaving: boolean;
    role: string;
}
export declare namespace Announcement {
    const codec: () => Codec<Announcement>;
    interface AnnouncementPeerFieldEvent {
        field: '$.peer';
        value: Uint8Array<ArrayBuffer>;
    }
    interface AnnouncementSeqFieldEvent {
        field: '$.seq';
        value: bigint;
    }
    interface AnnouncementServicesNameFieldEvent {
        field: '$.services[].name';
        value: string;
        index: number;
    }
    interface AnnouncementServicesConcurrencyFieldEvent {
        field: '$.services[].concurrency';
        value: number;
        index: number;
    }
    interface AnnouncementServicesLoadFieldEvent {
        field: '$.services[].load';
        value: number;
        index: number;
    }
    interface AnnouncementServicesModelsFieldEvent {
        field: '$.services[].models[]';
        index: number;
        value: string;
    }
    interface AnnouncementAddrsFieldEvent {
        field: '$.addrs[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    interface AnnouncementRefreshMsFieldEvent {
        field: '$.refreshMs';
        value: number;
    }
    interface AnnouncementGoneFieldEvent {
        field: '$.gone[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    interface AnnouncementLeavingFieldEvent {
        field: '$.leaving';
        value: boolean;
    }
    interface AnnouncementRoleFieldEvent {
        field: '$.role';
        value: string;
    }
    function encode(obj: Partial<Announcement>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Announcement;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Generator<AnnouncementPeerFieldEvent | AnnouncementSeqFieldEvent | AnnouncementServicesNameFieldEvent | AnnouncementServicesConcurrencyFieldEvent | AnnouncementServicesLoadFieldEvent | AnnouncementServicesModelsFieldEvent | AnnouncementAddrsFieldEvent | AnnouncementRefreshMsFieldEvent | AnnouncementGoneFieldEvent | AnnouncementLeavingFieldEvent | AnnouncementRoleFieldEvent>;
}
export interface ServiceInfo {
    name: string;
    concurrency: number;
    load: number;
    models: string[];
}
export declare namespace ServiceInfo {
    const codec: () => Codec<ServiceInfo>;
    interface ServiceInfoNameFieldEvent {
        field: '$.name';
        value: string;
    }
    interface ServiceInfoConcurrencyFieldEvent {
        field: '$.concurrency';
        value: number;
    }
    interface ServiceInfoLoadFieldEvent {
        field: '$.load';
        value: number;
    }
    interface ServiceInfoModelsFieldEvent {
        field: '$.models[]';
        index: number;
        value: string;
    }
    function encode(obj: Partial<ServiceInfo>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ServiceInfo>): ServiceInfo;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ServiceInfo>): Generator<ServiceInfoNameFieldEvent | ServiceInfoConcurrencyFieldEvent | ServiceInfoLoadFieldEvent | ServiceInfoModelsFieldEvent>;
}
export interface SignedAnnouncement {
    announcement: Uint8Array<ArrayBuffer>;
    signature: Uint8Array<ArrayBuffer>;
}
export declare namespace SignedAnnouncement {
    const codec: () => Codec<SignedAnnouncement>;
    interface SignedAnnouncementAnnouncementFieldEvent {
        field: '$.announcement';
        value: Uint8Array<ArrayBuffer>;
    }
    interface SignedAnnouncementSignatureFieldEvent {
        field: '$.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<SignedAnnouncement>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedAnnouncement>): SignedAnnouncement;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedAnnouncement>): Generator<SignedAnnouncementAnnouncementFieldEvent | SignedAnnouncementSignatureFieldEvent>;
}
export interface PresenceTable {
    entries: SignedAnnouncement[];
}
export declare namespace PresenceTable {
    const codec: () => Codec<PresenceTable>;
    interface PresenceTableEntriesAnnouncementFieldEvent {
        field: '$.entries[].announcement';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface PresenceTableEntriesSignatureFieldEvent {
        field: '$.entries[].signature';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    function encode(obj: Partial<PresenceTable>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceTable>): PresenceTable;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceTable>): Generator<PresenceTableEntriesAnnouncementFieldEvent | PresenceTableEntriesSignatureFieldEvent>;
}
export interface PresencePage {
    entries: Uint8Array<ArrayBuffer>[];
    digest: Uint8Array<ArrayBuffer>;
    more: boolean;
    want: Uint8Array<ArrayBuffer>;
}
export declare namespace PresencePage {
    const codec: () => Codec<PresencePage>;
    interface PresencePageEntriesFieldEvent {
        field: '$.entries[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    interface PresencePageDigestFieldEvent {
        field: '$.digest';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PresencePageMoreFieldEvent {
        field: '$.more';
        value: boolean;
    }
    interface PresencePageWantFieldEvent {
        field: '$.want';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<PresencePage>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresencePage>): PresencePage;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresencePage>): Generator<PresencePageEntriesFieldEvent | PresencePageDigestFieldEvent | PresencePageMoreFieldEvent | PresencePageWantFieldEvent>;
}
export interface Claim {
    task: string;
    addrs: Uint8Array<ArrayBuffer>[];
}
export declare namespace Claim {
    const codec: () => Codec<Claim>;
    interface ClaimTaskFieldEvent {
        field: '$.task';
        value: string;
    }
    interface ClaimAddrsFieldEvent {
        field: '$.addrs[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Claim>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Claim>): Claim;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Claim>): Generator<ClaimTaskFieldEvent | ClaimAddrsFieldEvent>;
}
