import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
const EMPTY_BYTES = new Uint8Array(0);
export var JournalEntry;
(function (JournalEntry) {
    let _codec;
    JournalEntry.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.id != null && obj.id !== '')) {
                    w.uint32(10);
                    w.string(obj.id);
                }
                if ((obj.service != null && obj.service !== '')) {
                    w.uint32(18);
                    w.string(obj.service);
                }
                if ((obj.input != null && obj.input.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.input);
                }
                if ((obj.codec != null && obj.codec !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.codec);
                }
                if ((obj.streaming != null && obj.streaming !== false)) {
                    w.uint32(40);
                    w.bool(obj.streaming);
                }
                if ((obj.createdAt != null && obj.createdAt !== 0n)) {
                    w.uint32(48);
                    w.uint64(obj.createdAt);
                }
                if ((obj.deadline != null && obj.deadline !== 0n)) {
                    w.uint32(56);
                    w.uint64(obj.deadline);
                }
                if ((obj.maxAttempts != null && obj.maxAttempts !== 0)) {
                    w.uint32(64);
                    w.uint32(obj.maxAttempts);
                }
                if ((obj.model != null && obj.model !== '')) {
                    w.uint32(74);
                    w.string(obj.model);
                }
                if ((obj.worker != null && obj.worker !== '')) {
                    w.uint32(82);
                    w.string(obj.worker);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    id: '',
                    service: '',
                    input: EMPTY_BYTES,
                    codec: 0,
                    streaming: false,
                    createdAt: 0n,
                    deadline: 0n,
                    maxAttempts: 0,
                    model: '',
                    worker: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.id = reader.string();
                            break;
                        }
                        case 2: {
                            obj.service = reader.string();
                            break;
                        }
                        case 3: {
                            obj.input = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.codec = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.streaming = reader.bool();
                            break;
                        }
                        case 6: {
                            obj.createdAt = reader.uint64();
                            break;
                        }
                        case 7: {
                            obj.deadline = reader.uint64();
                            break;
                        }
                        case 8: {
                            obj.maxAttempts = reader.uint32();
                            break;
                        }
                        case 9: {
                            obj.model = reader.string();
                            break;
                        }
                        case 10: {
                            obj.worker = reader.string();
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
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.service`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.input`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.codec`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.streaming`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.createdAt`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.deadline`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.maxAttempts`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.model`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.worker`,
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
        return encodeMessage(obj, JournalEntry.codec());
    }
    JournalEntry.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, JournalEntry.codec(), opts);
    }
    JournalEntry.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, JournalEntry.codec(), opts);
    }
    JournalEntry.stream = stream;
})(JournalEntry || (JournalEntry = {}));
