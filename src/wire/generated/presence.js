import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
const EMPTY_BYTES = new Uint8Array(0);
export var Announcement;
(function (Announcement) {
    let _codec;
    Announcement.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.peer != null && obj.peer.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.peer);
                }
                if ((obj.seq != null && obj.seq !== 0n)) {
                    w.uint32(16);
                    w.uint64(obj.seq);
                }
                if (obj.services != null && obj.services.length > 0) {
                    for (const value of obj.services) {
                        w.uint32(26);
                        ServiceInfo.codec().encode(value, w);
                    }
                }
                if (obj.addrs != null && obj.addrs.length > 0) {
                    for (const value of obj.addrs) {
                        w.uint32(34);
                        w.bytes(value);
                    }
                }
                if ((obj.refreshMs != null && obj.refreshMs !== 0)) {
                    w.uint32(40);
                    w.uint32(obj.refreshMs);
                }
                if (obj.gone != null && obj.gone.length > 0) {
                    for (const value of obj.gone) {
                        w.uint32(50);
                        w.bytes(value);
                    }
                }
                if ((obj.leaving != null && obj.leaving !== false)) {
                    w.uint32(56);
                    w.bool(obj.leaving);
                }
                if ((obj.role != null && obj.role !== '')) {
                    w.uint32(66);
                    w.string(obj.role);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    peer: EMPTY_BYTES,
                    seq: 0n,
                    services: [],
                    addrs: [],
                    refreshMs: 0,
                    gone: [],
                    leaving: false,
                    role: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.peer = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.seq = reader.uint64();
                            break;
                        }
                        case 3: {
                            if (opts.limits?.services != null && obj.services.length === opts.limits.services) {
                                throw new MaxLengthError('Decode error - repeated field "services" had too many elements');
                            }
                            obj.services.push(ServiceInfo.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.services$
                            }));
                            break;
                        }
                        case 4: {
                            if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements');
                            }
                            obj.addrs.push(reader.bytes());
                            break;
                        }
                        case 5: {
                            obj.refreshMs = reader.uint32();
                            break;
                        }
                        case 6: {
                            if (opts.limits?.gone != null && obj.gone.length === opts.limits.gone) {
                                throw new MaxLengthError('Decode error - repeated field "gone" had too many elements');
                            }
                            obj.gone.push(reader.bytes());
                            break;
                        }
                        case 7: {
                            obj.leaving = reader.bool();
                            break;
                        }
                        case 8: {
                            obj.role = reader.string();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    services: 0,
                    addrs: 0,
                    gone: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.peer`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.seq`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        case 3: {
                            if (opts.limits?.services != null && obj.services === opts.limits.services) {
                                throw new MaxLengthError('Streaming decode error - repeated field "services" had too many elements');
                            }
                            for (const evt of ServiceInfo.codec().stream(reader, reader.uint32(), `${prefix}.services[]`, {
                                limits: opts.limits?.services$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.services
                                };
                            }
                            obj.services++;
                            break;
                        }
                        case 4: {
                            if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements');
                            }
                            yield {
                                field: `${prefix}.addrs[]`,
                                index: obj.addrs,
                                value: reader.bytes()
                            };
                            obj.addrs++;
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.refreshMs`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 6: {
                            if (opts.limits?.gone != null && obj.gone === opts.limits.gone) {
                                throw new MaxLengthError('Streaming decode error - repeated field "gone" had too many elements');
                            }
                            yield {
                                field: `${prefix}.gone[]`,
                                index: obj.gone,
                                value: reader.bytes()
                            };
                            obj.gone++;
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.leaving`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.role`,
                                value: reader.string()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Announcement.codec());
    }
    Announcement.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Announcement.codec(), opts);
    }
    Announcement.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Announcement.codec(), opts);
    }
    Announcement.stream = stream;
})(Announcement || (Announcement = {}));
export var ServiceInfo;
(function (ServiceInfo) {
    let _codec;
    ServiceInfo.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.name != null && obj.name !== '')) {
                    w.uint32(10);
                    w.string(obj.name);
                }
                if ((obj.concurrency != null && obj.concurrency !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.concurrency);
                }
                if ((obj.load != null && obj.load !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.load);
                }
                if (obj.models != null && obj.models.length > 0) {
                    for (const value of obj.models) {
                        w.uint32(34);
                        w.string(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    name: '',
                    concurrency: 0,
                    load: 0,
                    models: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.name = reader.string();
                            break;
                        }
                        case 2: {
                            obj.concurrency = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.load = reader.uint32();
                            break;
                        }
                        case 4: {
                            if (opts.limits?.models != null && obj.models.length === opts.limits.models) {
                                throw new MaxLengthError('Decode error - repeated field "models" had too many elements');
                            }
                            obj.models.push(reader.string());
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    models: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.name`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.concurrency`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.load`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            if (opts.limits?.models != null && obj.models === opts.limits.models) {
                                throw new MaxLengthError('Streaming decode error - repeated field "models" had too many elements');
                            }
                            yield {
                                field: `${prefix}.models[]`,
                                index: obj.models,
                                value: reader.string()
                            };
                            obj.models++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, ServiceInfo.codec());
    }
    ServiceInfo.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ServiceInfo.codec(), opts);
    }
    ServiceInfo.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ServiceInfo.codec(), opts);
    }
    ServiceInfo.stream = stream;
})(ServiceInfo || (ServiceInfo = {}));
export var SignedAnnouncement;
(function (SignedAnnouncement) {
    let _codec;
    SignedAnnouncement.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.announcement != null && obj.announcement.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.announcement);
                }
                if ((obj.signature != null && obj.signature.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.signature);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    announcement: EMPTY_BYTES,
                    signature: EMPTY_BYTES
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.announcement = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.signature = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.announcement`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.signature`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, SignedAnnouncement.codec());
    }
    SignedAnnouncement.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, SignedAnnouncement.codec(), opts);
    }
    SignedAnnouncement.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, SignedAnnouncement.codec(), opts);
    }
    SignedAnnouncement.stream = stream;
})(SignedAnnouncement || (SignedAnnouncement = {}));
export var PresenceTable;
(function (PresenceTable) {
    let _codec;
    PresenceTable.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.entries != null && obj.entries.length > 0) {
                    for (const value of obj.entries) {
                        w.uint32(10);
                        SignedAnnouncement.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    entries: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements');
                            }
                            obj.entries.push(SignedAnnouncement.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.entries$
                            }));
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    entries: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements');
                            }
                            for (const evt of SignedAnnouncement.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                                limits: opts.limits?.entries$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.entries
                                };
                            }
                            obj.entries++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, PresenceTable.codec());
    }
    PresenceTable.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, PresenceTable.codec(), opts);
    }
    PresenceTable.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, PresenceTable.codec(), opts);
    }
    PresenceTable.stream = stream;
})(PresenceTable || (PresenceTable = {}));
export var PresencePage;
(function (PresencePage) {
    let _codec;
    PresencePage.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.entries != null && obj.entries.length > 0) {
                    for (const value of obj.entries) {
                        w.uint32(10);
                        w.bytes(value);
                    }
                }
                if ((obj.digest != null && obj.digest.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.digest);
                }
                if ((obj.more != null && obj.more !== false)) {
                    w.uint32(24);
                    w.bool(obj.more);
                }
                if ((obj.want != null && obj.want.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.want);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    entries: [],
                    digest: EMPTY_BYTES,
                    more: false,
                    want: EMPTY_BYTES
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements');
                            }
                            obj.entries.push(reader.bytes());
                            break;
                        }
                        case 2: {
                            obj.digest = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.more = reader.bool();
                            break;
                        }
                        case 4: {
                            obj.want = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    entries: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements');
                            }
                            yield {
                                field: `${prefix}.entries[]`,
                                index: obj.entries,
                                value: reader.bytes()
                            };
                            obj.entries++;
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.digest`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.more`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.want`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, PresencePage.codec());
    }
    PresencePage.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, PresencePage.codec(), opts);
    }
    PresencePage.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, PresencePage.codec(), opts);
    }
    PresencePage.stream = stream;
})(PresencePage || (PresencePage = {}));
export var Claim;
(function (Claim) {
    let _codec;
    Claim.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.task != null && obj.task !== '')) {
                    w.uint32(10);
                    w.string(obj.task);
                }
                if (obj.addrs != null && obj.addrs.length > 0) {
                    for (const value of obj.addrs) {
                        w.uint32(18);
                        w.bytes(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    task: '',
                    addrs: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.task = reader.string();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements');
                            }
                            obj.addrs.push(reader.bytes());
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    addrs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.task`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements');
                            }
                            yield {
                                field: `${prefix}.addrs[]`,
                                index: obj.addrs,
                                value: reader.bytes()
                            };
                            obj.addrs++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Claim.codec());
    }
    Claim.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Claim.codec(), opts);
    }
    Claim.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Claim.codec(), opts);
    }
    Claim.stream = stream;
})(Claim || (Claim = {}));
