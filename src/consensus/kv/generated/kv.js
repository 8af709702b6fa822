import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
const EMPTY_BYTES = new Uint8Array(0);
export var KvCommand;
(function (KvCommand) {
    let _codec;
    KvCommand.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.version != null && obj.version !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.version);
                }
                if ((obj.op != null && obj.op !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.op);
                }
                if ((obj.client != null && obj.client !== '')) {
                    w.uint32(26);
                    w.string(obj.client);
                }
                if ((obj.seq != null && obj.seq !== 0)) {
                    w.uint32(32);
                    w.uint64Number(obj.seq);
                }
                if ((obj.term != null && obj.term !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.term);
                }
                if ((obj.timeMs != null && obj.timeMs !== 0)) {
                    w.uint32(49);
                    w.double(obj.timeMs);
                }
                if ((obj.key != null && obj.key !== '')) {
                    w.uint32(58);
                    w.string(obj.key);
                }
                if ((obj.value != null && obj.value.byteLength > 0)) {
                    w.uint32(66);
                    w.bytes(obj.value);
                }
                if ((obj.expectedRevision != null && obj.expectedRevision !== 0)) {
                    w.uint32(72);
                    w.uint64Number(obj.expectedRevision);
                }
                if ((obj.session != null && obj.session !== 0)) {
                    w.uint32(80);
                    w.uint64Number(obj.session);
                }
                if ((obj.ttlMs != null && obj.ttlMs !== 0)) {
                    w.uint32(88);
                    w.uint32(obj.ttlMs);
                }
                if ((obj.token != null && obj.token !== 0)) {
                    w.uint32(96);
                    w.uint64Number(obj.token);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    version: 0,
                    op: 0,
                    client: '',
                    seq: 0,
                    term: 0,
                    timeMs: 0,
                    key: '',
                    value: EMPTY_BYTES,
                    expectedRevision: 0,
                    session: 0,
                    ttlMs: 0,
                    token: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.version = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.op = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.client = reader.string();
                            break;
                        }
                        case 4: {
                            obj.seq = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.term = reader.uint64Number();
                            break;
                        }
                        case 6: {
                            obj.timeMs = reader.double();
                            break;
                        }
                        case 7: {
                            obj.key = reader.string();
                            break;
                        }
                        case 8: {
                            obj.value = reader.bytes();
                            break;
                        }
                        case 9: {
                            obj.expectedRevision = reader.uint64Number();
                            break;
                        }
                        case 10: {
                            obj.session = reader.uint64Number();
                            break;
                        }
                        case 11: {
                            obj.ttlMs = reader.uint32();
                            break;
                        }
                        case 12: {
                            obj.token = reader.uint64Number();
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
                                field: `${prefix}.version`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.op`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.client`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.seq`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.term`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.timeMs`,
                                value: reader.double()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.key`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.value`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.expectedRevision`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.session`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 11: {
                            yield {
                                field: `${prefix}.ttlMs`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 12: {
                            yield {
                                field: `${prefix}.token`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, KvCommand.codec());
    }
    KvCommand.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, KvCommand.codec(), opts);
    }
    KvCommand.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, KvCommand.codec(), opts);
    }
    KvCommand.stream = stream;
})(KvCommand || (KvCommand = {}));
export var KvState;
(function (KvState) {
    let _codec;
    KvState.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.version != null && obj.version !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.version);
                }
                if ((obj.appliedIndex != null && obj.appliedIndex !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.appliedIndex);
                }
                if ((obj.revision != null && obj.revision !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.revision);
                }
                if ((obj.clockMs != null && obj.clockMs !== 0)) {
                    w.uint32(33);
                    w.double(obj.clockMs);
                }
                if ((obj.clockTerm != null && obj.clockTerm !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.clockTerm);
                }
                if ((obj.clockLastMs != null && obj.clockLastMs !== 0)) {
                    w.uint32(49);
                    w.double(obj.clockLastMs);
                }
                if ((obj.nextSession != null && obj.nextSession !== 0)) {
                    w.uint32(56);
                    w.uint64Number(obj.nextSession);
                }
                if ((obj.historyStart != null && obj.historyStart !== 0)) {
                    w.uint32(64);
                    w.uint64Number(obj.historyStart);
                }
                if (obj.keys != null && obj.keys.length > 0) {
                    for (const value of obj.keys) {
                        w.uint32(74);
                        KeyRecord.codec().encode(value, w);
                    }
                }
                if (obj.sessions != null && obj.sessions.length > 0) {
                    for (const value of obj.sessions) {
                        w.uint32(82);
                        SessionRecord.codec().encode(value, w);
                    }
                }
                if (obj.locks != null && obj.locks.length > 0) {
                    for (const value of obj.locks) {
                        w.uint32(90);
                        LockRecord.codec().encode(value, w);
                    }
                }
                if (obj.clients != null && obj.clients.length > 0) {
                    for (const value of obj.clients) {
                        w.uint32(98);
                        ClientRecord.codec().encode(value, w);
                    }
                }
                if (obj.history != null && obj.history.length > 0) {
                    for (const value of obj.history) {
                        w.uint32(106);
                        ChangeRecord.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    version: 0,
                    appliedIndex: 0,
                    revision: 0,
                    clockMs: 0,
                    clockTerm: 0,
                    clockLastMs: 0,
                    nextSession: 0,
                    historyStart: 0,
                    keys: [],
                    sessions: [],
                    locks: [],
                    clients: [],
                    history: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.version = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.appliedIndex = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            obj.revision = reader.uint64Number();
                            break;
                        }
                        case 4: {
                            obj.clockMs = reader.double();
                            break;
                        }
                        case 5: {
                            obj.clockTerm = reader.uint64Number();
                            break;
                        }
                        case 6: {
                            obj.clockLastMs = reader.double();
                            break;
                        }
                        case 7: {
                            obj.nextSession = reader.uint64Number();
                            break;
                        }
                        case 8: {
                            obj.historyStart = reader.uint64Number();
                            break;
                        }
                        case 9: {
                            if (opts.limits?.keys != null && obj.keys.length === opts.limits.keys) {
                                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements');
                            }
                            obj.keys.push(KeyRecord.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.keys$
                            }));
                            break;
                        }
                        case 10: {
                            if (opts.limits?.sessions != null && obj.sessions.length === opts.limits.sessions) {
                                throw new MaxLengthError('Decode error - repeated field "sessions" had too many elements');
                            }
                            obj.sessions.push(SessionRecord.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.sessions$
                            }));
                            break;
                        }
                        case 11: {
                            if (opts.limits?.locks != null && obj.locks.length === opts.limits.locks) {
                                throw new MaxLengthError('Decode error - repeated field "locks" had too many elements');
                            }
                            obj.locks.push(LockRecord.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.locks$
                            }));
                            break;
                        }
                        case 12: {
                            if (opts.limits?.clients != null && obj.clients.length === opts.limits.clients) {
                                throw new MaxLengthError('Decode error - repeated field "clients" had too many elements');
                            }
                            obj.clients.push(ClientRecord.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.clients$
                            }));
                            break;
                        }
                        case 13: {
                            if (opts.limits?.history != null && obj.history.length === opts.limits.history) {
                                throw new MaxLengthError('Decode error - repeated field "history" had too many elements');
                            }
                            obj.history.push(ChangeRecord.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.history$
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
                    keys: 0,
                    sessions: 0,
                    locks: 0,
                    clients: 0,
                    history: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.version`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.appliedIndex`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.revision`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.clockMs`,
                                value: reader.double()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.clockTerm`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.clockLastMs`,
                                value: reader.double()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.nextSession`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.historyStart`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 9: {
                            if (opts.limits?.keys != null && obj.keys === opts.limits.keys) {
                                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements');
                            }
                            for (const evt of KeyRecord.codec().stream(reader, reader.uint32(), `${prefix}.keys[]`, {
                                limits: opts.limits?.keys$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.keys
                                };
                            }
                            obj.keys++;
                            break;
                        }
                        case 10: {
                            if (opts.limits?.sessions != null && obj.sessions === opts.limits.sessions) {
                                throw new MaxLengthError('Streaming decode error - repeated field "sessions" had too many elements');
                            }
                            for (const evt of SessionRecord.codec().stream(reader, reader.uint32(), `${prefix}.sessions[]`, {
                                limits: opts.limits?.sessions$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.sessions
                                };
                            }
                            obj.sessions++;
                            break;
                        }
                        case 11: {
                            if (opts.limits?.locks != null && obj.locks === opts.limits.locks) {
                                throw new MaxLengthError('Streaming decode error - repeated field "locks" had too many elements');
                            }
                            for (const evt of LockRecord.codec().stream(reader, reader.uint32(), `${prefix}.locks[]`, {
                                limits: opts.limits?.locks$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.locks
                                };
                            }
                            obj.locks++;
                            break;
                        }
                        case 12: {
                            if (opts.limits?.clients != null && obj.clients === opts.limits.clients) {
                                throw new MaxLengthError('Streaming decode error - repeated field "clients" had too many elements');
                            }
                            for (const evt of ClientRecord.codec().stream(reader, reader.uint32(), `${prefix}.clients[]`, {
                                limits: opts.limits?.clients$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.clients
                                };
                            }
                            obj.clients++;
                            break;
                        }
                        case 13: {
                            if (opts.limits?.history != null && obj.history === opts.limits.history) {
                                throw new MaxLengthError('Streaming decode error - repeated field "history" had too many elements');
                            }
                            for (const evt of ChangeRecord.codec().stream(reader, reader.uint32(), `${prefix}.history[]`, {
                                limits: opts.limits?.history$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.history
                                };
                            }
                            obj.history++;
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
        return encodeMessage(obj, KvState.codec());
    }
    KvState.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, KvState.codec(), opts);
    }
    KvState.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, KvState.codec(), opts);
    }
    KvState.stream = stream;
})(KvState || (KvState = {}));
export var KeyRecord;
(function (KeyRecord) {
    let _codec;
    KeyRecord.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.key != null && obj.key !== '')) {
                    w.uint32(10);
                    w.string(obj.key);
                }
                if ((obj.value != null && obj.value.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.value);
                }
                if ((obj.createRevision != null && obj.createRevision !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.createRevision);
                }
                if ((obj.modRevision != null && obj.modRevision !== 0)) {
                    w.uint32(32);
                    w.uint64Number(obj.modRevision);
                }
                if ((obj.version != null && obj.version !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.version);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    key: '',
                    value: EMPTY_BYTES,
                    createRevision: 0,
                    modRevision: 0,
                    version: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.key = reader.string();
                            break;
                        }
                        case 2: {
                            obj.value = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.createRevision = reader.uint64Number();
                            break;
                        }
                        case 4: {
                            obj.modRevision = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.version = reader.uint64Number();
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
                                field: `${prefix}.key`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.value`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.createRevision`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.modRevision`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.version`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, KeyRecord.codec());
    }
    KeyRecord.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, KeyRecord.codec(), opts);
    }
    KeyRecord.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, KeyRecord.codec(), opts);
    }
    KeyRecord.stream = stream;
})(KeyRecord || (KeyRecord = {}));
export var SessionRecord;
(function (SessionRecord) {
    let _codec;
    SessionRecord.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.id != null && obj.id !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.id);
                }
                if ((obj.owner != null && obj.owner !== '')) {
                    w.uint32(18);
                    w.string(obj.owner);
                }
                if ((obj.ttlMs != null && obj.ttlMs !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.ttlMs);
                }
                if ((obj.renewedAtMs != null && obj.renewedAtMs !== 0)) {
                    w.uint32(33);
                    w.double(obj.renewedAtMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    id: 0,
                    owner: '',
                    ttlMs: 0,
                    renewedAtMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.id = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.owner = reader.string();
                            break;
                        }
                        case 3: {
                            obj.ttlMs = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.renewedAtMs = reader.double();
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
                                field: `${prefix}.id`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.owner`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.ttlMs`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.renewedAtMs`,
                                value: reader.double()
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
        return encodeMessage(obj, SessionRecord.codec());
    }
    SessionRecord.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, SessionRecord.codec(), opts);
    }
    SessionRecord.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, SessionRecord.codec(), opts);
    }
    SessionRecord.stream = stream;
})(SessionRecord || (SessionRecord = {}));
export var LockRecord;
(function (LockRecord) {
    let _codec;
    LockRecord.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.name != null && obj.name !== '')) {
                    w.uint32(10);
                    w.string(obj.name);
                }
                if ((obj.session != null && obj.session !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.session);
                }
                if ((obj.token != null && obj.token !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.token);
                }
                if ((obj.ttlMs != null && obj.ttlMs !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.ttlMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    name: '',
                    session: 0,
                    token: 0,
                    ttlMs: 0
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
                            obj.session = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            obj.token = reader.uint64Number();
                            break;
                        }
                        case 4: {
                            obj.ttlMs = reader.uint32();
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
                                field: `${prefix}.name`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.session`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.token`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.ttlMs`,
                                value: reader.uint32()
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
        return encodeMessage(obj, LockRecord.codec());
    }
    LockRecord.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, LockRecord.codec(), opts);
    }
    LockRecord.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, LockRecord.codec(), opts);
    }
    LockRecord.stream = stream;
})(LockRecord || (LockRecord = {}));
export var ClientRecord;
(function (ClientRecord) {
    let _codec;
    ClientRecord.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.client != null && obj.client !== '')) {
                    w.uint32(10);
                    w.string(obj.client);
                }
                if ((obj.floor != null && obj.floor !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.floor);
                }
                if (obj.results != null && obj.results.length > 0) {
                    for (const value of obj.results) {
                        w.uint32(26);
                        SeqResult.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    client: '',
                    floor: 0,
                    results: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.client = reader.string();
                            break;
                        }
                        case 2: {
                            obj.floor = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            if (opts.limits?.results != null && obj.results.length === opts.limits.results) {
                                throw new MaxLengthError('Decode error - repeated field "results" had too many elements');
                            }
                            obj.results.push(SeqResult.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.results$
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
                    results: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.client`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.floor`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            if (opts.limits?.results != null && obj.results === opts.limits.results) {
                                throw new MaxLengthError('Streaming decode error - repeated field "results" had too many elements');
                            }
                            for (const evt of SeqResult.codec().stream(reader, reader.uint32(), `${prefix}.results[]`, {
                                limits: opts.limits?.results$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.results
                                };
                            }
                            obj.results++;
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
        return encodeMessage(obj, ClientRecord.codec());
    }
    ClientRecord.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ClientRecord.codec(), opts);
    }
    ClientRecord.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ClientRecord.codec(), opts);
    }
    ClientRecord.stream = stream;
})(ClientRecord || (ClientRecord = {}));
export var SeqResult;
(function (SeqResult) {
    let _codec;
    SeqResult.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.seq != null && obj.seq !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.seq);
                }
                if ((obj.result != null && obj.result !== '')) {
                    w.uint32(18);
                    w.string(obj.result);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    seq: 0,
                    result: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.seq = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.result = reader.string();
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
                                field: `${prefix}.seq`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.result`,
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
        return encodeMessage(obj, SeqResult.codec());
    }
    SeqResult.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, SeqResult.codec(), opts);
    }
    SeqResult.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, SeqResult.codec(), opts);
    }
    SeqResult.stream = stream;
})(SeqResult || (SeqResult = {}));
export var ChangeRecord;
(function (ChangeRecord) {
    let _codec;
    ChangeRecord.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.revision != null && obj.revision !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.revision);
                }
                if ((obj.type != null && obj.type !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.type);
                }
                if ((obj.key != null && obj.key !== '')) {
                    w.uint32(26);
                    w.string(obj.key);
                }
                if ((obj.value != null && obj.value.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.value);
                }
                if ((obj.session != null && obj.session !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.session);
                }
                if ((obj.token != null && obj.token !== 0)) {
                    w.uint32(48);
                    w.uint64Number(obj.token);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    revision: 0,
                    type: 0,
                    key: '',
                    value: EMPTY_BYTES,
                    session: 0,
                    token: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.revision = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.type = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.key = reader.string();
                            break;
                        }
                        case 4: {
                            obj.value = reader.bytes();
                            break;
                        }
                        case 5: {
                            obj.session = reader.uint64Number();
                            break;
                        }
                        case 6: {
                            obj.token = reader.uint64Number();
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
                                field: `${prefix}.revision`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.type`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.key`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.value`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.session`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.token`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, ChangeRecord.codec());
    }
    ChangeRecord.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ChangeRecord.codec(), opts);
    }
    ChangeRecord.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ChangeRecord.codec(), opts);
    }
    ChangeRecord.stream = stream;
})(ChangeRecord || (ChangeRecord = {}));
