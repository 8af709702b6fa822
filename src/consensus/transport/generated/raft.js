import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
const EMPTY_BYTES = new Uint8Array(0);
export var RaftEntry;
(function (RaftEntry) {
    let _codec;
    RaftEntry.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.index != null && obj.index !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.index);
                }
                if ((obj.term != null && obj.term !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.term);
                }
                if ((obj.type != null && obj.type !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.type);
                }
                if ((obj.data != null && obj.data.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.data);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    index: 0,
                    term: 0,
                    type: 0,
                    data: EMPTY_BYTES
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.index = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.term = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            obj.type = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.data = reader.bytes();
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
                                field: `${prefix}.index`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.term`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.type`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.data`,
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
        return encodeMessage(obj, RaftEntry.codec());
    }
    RaftEntry.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, RaftEntry.codec(), opts);
    }
    RaftEntry.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, RaftEntry.codec(), opts);
    }
    RaftEntry.stream = stream;
})(RaftEntry || (RaftEntry = {}));
export var RaftSnapshot;
(function (RaftSnapshot) {
    let _codec;
    RaftSnapshot.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.index != null && obj.index !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.index);
                }
                if ((obj.term != null && obj.term !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.term);
                }
                if (obj.members != null && obj.members.length > 0) {
                    for (const value of obj.members) {
                        w.uint32(26);
                        w.string(value);
                    }
                }
                if ((obj.data != null && obj.data.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.data);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    index: 0,
                    term: 0,
                    members: [],
                    data: EMPTY_BYTES
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.index = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.term = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                                throw new MaxLengthError('Decode error - repeated field "members" had too many elements');
                            }
                            obj.members.push(reader.string());
                            break;
                        }
                        case 4: {
                            obj.data = reader.bytes();
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
                    members: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.index`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.term`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            if (opts.limits?.members != null && obj.members === opts.limits.members) {
                                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements');
                            }
                            yield {
                                field: `${prefix}.members[]`,
                                index: obj.members,
                                value: reader.string()
                            };
                            obj.members++;
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.data`,
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
        return encodeMessage(obj, RaftSnapshot.codec());
    }
    RaftSnapshot.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, RaftSnapshot.codec(), opts);
    }
    RaftSnapshot.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, RaftSnapshot.codec(), opts);
    }
    RaftSnapshot.stream = stream;
})(RaftSnapshot || (RaftSnapshot = {}));
export var RaftMessage;
(function (RaftMessage) {
    let _codec;
    RaftMessage.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.type != null && obj.type !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.type);
                }
                if ((obj.from != null && obj.from !== '')) {
                    w.uint32(18);
                    w.string(obj.from);
                }
                if ((obj.to != null && obj.to !== '')) {
                    w.uint32(26);
                    w.string(obj.to);
                }
                if ((obj.term != null && obj.term !== 0)) {
                    w.uint32(32);
                    w.uint64Number(obj.term);
                }
                if ((obj.lastIndex != null && obj.lastIndex !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.lastIndex);
                }
                if ((obj.lastTerm != null && obj.lastTerm !== 0)) {
                    w.uint32(48);
                    w.uint64Number(obj.lastTerm);
                }
                if ((obj.transfer != null && obj.transfer !== false)) {
                    w.uint32(56);
                    w.bool(obj.transfer);
                }
                if ((obj.reject != null && obj.reject !== false)) {
                    w.uint32(64);
                    w.bool(obj.reject);
                }
                if ((obj.prevIndex != null && obj.prevIndex !== 0)) {
                    w.uint32(72);
                    w.uint64Number(obj.prevIndex);
                }
                if ((obj.prevTerm != null && obj.prevTerm !== 0)) {
                    w.uint32(80);
                    w.uint64Number(obj.prevTerm);
                }
                if (obj.entries != null && obj.entries.length > 0) {
                    for (const value of obj.entries) {
                        w.uint32(90);
                        RaftEntry.codec().encode(value, w);
                    }
                }
                if ((obj.commit != null && obj.commit !== 0)) {
                    w.uint32(96);
                    w.uint64Number(obj.commit);
                }
                if ((obj.index != null && obj.index !== 0)) {
                    w.uint32(104);
                    w.uint64Number(obj.index);
                }
                if ((obj.hintIndex != null && obj.hintIndex !== 0)) {
                    w.uint32(112);
                    w.uint64Number(obj.hintIndex);
                }
                if ((obj.hintTerm != null && obj.hintTerm !== 0)) {
                    w.uint32(120);
                    w.uint64Number(obj.hintTerm);
                }
                if ((obj.context != null && obj.context !== 0)) {
                    w.uint32(128);
                    w.uint64Number(obj.context);
                }
                if (obj.snapshot != null) {
                    w.uint32(138);
                    RaftSnapshot.codec().encode(obj.snapshot, w);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    type: 0,
                    from: '',
                    to: '',
                    term: 0,
                    lastIndex: 0,
                    lastTerm: 0,
                    transfer: false,
                    reject: false,
                    prevIndex: 0,
                    prevTerm: 0,
                    entries: [],
                    commit: 0,
                    index: 0,
                    hintIndex: 0,
                    hintTerm: 0,
                    context: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.type = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.from = reader.string();
                            break;
                        }
                        case 3: {
                            obj.to = reader.string();
                            break;
                        }
                        case 4: {
                            obj.term = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.lastIndex = reader.uint64Number();
                            break;
                        }
                        case 6: {
                            obj.lastTerm = reader.uint64Number();
                            break;
                        }
                        case 7: {
                            obj.transfer = reader.bool();
                            break;
                        }
                        case 8: {
                            obj.reject = reader.bool();
                            break;
                        }
                        case 9: {
                            obj.prevIndex = reader.uint64Number();
                            break;
                        }
                        case 10: {
                            obj.prevTerm = reader.uint64Number();
                            break;
                        }
                        case 11: {
                            if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements');
                            }
                            obj.entries.push(RaftEntry.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.entries$
                            }));
                            break;
                        }
                        case 12: {
                            obj.commit = reader.uint64Number();
                            break;
                        }
                        case 13: {
                            obj.index = reader.uint64Number();
                            break;
                        }
                        case 14: {
                            obj.hintIndex = reader.uint64Number();
                            break;
                        }
                        case 15: {
                            obj.hintTerm = reader.uint64Number();
                            break;
                        }
                        case 16: {
                            obj.context = reader.uint64Number();
                            break;
                        }
                        case 17: {
                            obj.snapshot = RaftSnapshot.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.snapshot
                            });
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
                            yield {
                                field: `${prefix}.type`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.from`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.to`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.term`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.lastIndex`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.lastTerm`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.transfer`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.reject`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.prevIndex`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.prevTerm`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 11: {
                            if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements');
                            }
                            for (const evt of RaftEntry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
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
                        case 12: {
                            yield {
                                field: `${prefix}.commit`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 13: {
                            yield {
                                field: `${prefix}.index`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 14: {
                            yield {
                                field: `${prefix}.hintIndex`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 15: {
                            yield {
                                field: `${prefix}.hintTerm`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 16: {
                            yield {
                                field: `${prefix}.context`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 17: {
                            yield* RaftSnapshot.codec().stream(reader, reader.uint32(), `${prefix}.snapshot`, {
                                limits: opts.limits?.snapshot
                            });
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
        return encodeMessage(obj, RaftMessage.codec());
    }
    RaftMessage.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, RaftMessage.codec(), opts);
    }
    RaftMessage.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, RaftMessage.codec(), opts);
    }
    RaftMessage.stream = stream;
})(RaftMessage || (RaftMessage = {}));
export var RaftFrame;
(function (RaftFrame) {
    let _codec;
    RaftFrame.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.group != null && obj.group !== '')) {
                    w.uint32(10);
                    w.string(obj.group);
                }
                if (obj.messages != null && obj.messages.length > 0) {
                    for (const value of obj.messages) {
                        w.uint32(18);
                        RaftMessage.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    group: '',
                    messages: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.group = reader.string();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.messages != null && obj.messages.length === opts.limits.messages) {
                                throw new MaxLengthError('Decode error - repeated field "messages" had too many elements');
                            }
                            obj.messages.push(RaftMessage.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.messages$
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
                    messages: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.group`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.messages != null && obj.messages === opts.limits.messages) {
                                throw new MaxLengthError('Streaming decode error - repeated field "messages" had too many elements');
                            }
                            for (const evt of RaftMessage.codec().stream(reader, reader.uint32(), `${prefix}.messages[]`, {
                                limits: opts.limits?.messages$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.messages
                                };
                            }
                            obj.messages++;
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
        return encodeMessage(obj, RaftFrame.codec());
    }
    RaftFrame.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, RaftFrame.codec(), opts);
    }
    RaftFrame.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, RaftFrame.codec(), opts);
    }
    RaftFrame.stream = stream;
})(RaftFrame || (RaftFrame = {}));
