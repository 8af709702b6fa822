import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
const EMPTY_BYTES = new Uint8Array(0);
export var StoredEntry;
(function (StoredEntry) {
    let _codec;
    StoredEntry.codec = () => {
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
        return encodeMessage(obj, StoredEntry.codec());
    }
    StoredEntry.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, StoredEntry.codec(), opts);
    }
    StoredEntry.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, StoredEntry.codec(), opts);
    }
    StoredEntry.stream = stream;
})(StoredEntry || (StoredEntry = {}));
export var StoredHardState;
(function (StoredHardState) {
    let _codec;
    StoredHardState.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.term != null && obj.term !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.term);
                }
                if (obj.vote != null) {
                    w.uint32(18);
                    w.string(obj.vote);
                }
                if ((obj.commit != null && obj.commit !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.commit);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    term: 0,
                    commit: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.term = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.vote = reader.string();
                            break;
                        }
                        case 3: {
                            obj.commit = reader.uint64Number();
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
                                field: `${prefix}.term`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.vote`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.commit`,
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
        return encodeMessage(obj, StoredHardState.codec());
    }
    StoredHardState.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, StoredHardState.codec(), opts);
    }
    StoredHardState.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, StoredHardState.codec(), opts);
    }
    StoredHardState.stream = stream;
})(StoredHardState || (StoredHardState = {}));
export var StoredSnapshot;
(function (StoredSnapshot) {
    let _codec;
    StoredSnapshot.codec = () => {
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
        return encodeMessage(obj, StoredSnapshot.codec());
    }
    StoredSnapshot.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, StoredSnapshot.codec(), opts);
    }
    StoredSnapshot.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, StoredSnapshot.codec(), opts);
    }
    StoredSnapshot.stream = stream;
})(StoredSnapshot || (StoredSnapshot = {}));
