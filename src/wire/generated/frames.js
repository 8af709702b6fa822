import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
const EMPTY_BYTES = new Uint8Array(0);
export var Frame;
(function (Frame) {
    let _codec;
    Frame.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.kind != null && obj.kind !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.kind);
                }
                if ((obj.task != null && obj.task !== '')) {
                    w.uint32(18);
                    w.string(obj.task);
                }
                if ((obj.attempt != null && obj.attempt !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.attempt);
                }
                if ((obj.service != null && obj.service !== '')) {
                    w.uint32(34);
                    w.string(obj.service);
                }
                if ((obj.payload != null && obj.payload.byteLength > 0)) {
                    w.uint32(42);
                    w.bytes(obj.payload);
                }
                if ((obj.codec != null && obj.codec !== 0)) {
                    w.uint32(48);
                    w.uint32(obj.codec);
                }
                if ((obj.seq != null && obj.seq !== 0)) {
                    w.uint32(56);
                    w.uint32(obj.seq);
                }
                if (obj.prior != null && obj.prior.length > 0) {
                    for (const value of obj.prior) {
                        w.uint32(66);
                        Payload.codec().encode(value, w);
                    }
                }
                if ((obj.credit != null && obj.credit !== 0)) {
                    w.uint32(72);
                    w.uint32(obj.credit);
                }
                if ((obj.timeoutMs != null && obj.timeoutMs !== 0)) {
                    w.uint32(80);
                    w.uint32(obj.timeoutMs);
                }
                if ((obj.flags != null && obj.flags !== 0)) {
                    w.uint32(88);
                    w.uint32(obj.flags);
                }
                if ((obj.code != null && obj.code !== '')) {
                    w.uint32(98);
                    w.string(obj.code);
                }
                if ((obj.message != null && obj.message !== '')) {
                    w.uint32(106);
                    w.string(obj.message);
                }
                if ((obj.load != null && obj.load !== 0)) {
                    w.uint32(112);
                    w.uint32(obj.load);
                }
                if ((obj.capacity != null && obj.capacity !== 0)) {
                    w.uint32(120);
                    w.uint32(obj.capacity);
                }
                if ((obj.time != null && obj.time !== 0)) {
                    w.uint32(129);
                    w.double(obj.time);
                }
                if ((obj.token != null && obj.token.byteLength > 0)) {
                    w.uint32(138);
                    w.bytes(obj.token);
                }
                if (obj.more != null && obj.more.length > 0) {
                    for (const value of obj.more) {
                        w.uint32(146);
                        Payload.codec().encode(value, w);
                    }
                }
                if ((obj.traceparent != null && obj.traceparent !== '')) {
                    w.uint32(154);
                    w.string(obj.traceparent);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    kind: 0,
                    task: '',
                    attempt: 0,
                    service: '',
                    payload: EMPTY_BYTES,
                    codec: 0,
                    seq: 0,
                    prior: [],
                    credit: 0,
                    timeoutMs: 0,
                    flags: 0,
                    code: '',
                    message: '',
                    load: 0,
                    capacity: 0,
                    time: 0,
                    token: EMPTY_BYTES,
                    more: [],
                    traceparent: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.kind = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.task = reader.string();
                            break;
                        }
                        case 3: {
                            obj.attempt = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.service = reader.string();
                            break;
                        }
                        case 5: {
                            obj.payload = reader.bytes();
                            break;
                        }
                        case 6: {
                            obj.codec = reader.uint32();
                            break;
                        }
                        case 7: {
                            obj.seq = reader.uint32();
                            break;
                        }
                        case 8: {
                            if (opts.limits?.prior != null && obj.prior.length === opts.limits.prior) {
                                throw new MaxLengthError('Decode error - repeated field "prior" had too many elements');
                            }
                            obj.prior.push(Payload.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.prior$
                            }));
                            break;
                        }
                        case 9: {
                            obj.credit = reader.uint32();
                            break;
                        }
                        case 10: {
                            obj.timeoutMs = reader.uint32();
                            break;
                        }
                        case 11: {
                            obj.flags = reader.uint32();
                            break;
                        }
                        case 12: {
                            obj.code = reader.string();
                            break;
                        }
                        case 13: {
                            obj.message = reader.string();
                            break;
                        }
                        case 14: {
                            obj.load = reader.uint32();
                            break;
                        }
                        case 15: {
                            obj.capacity = reader.uint32();
                            break;
                        }
                        case 16: {
                            obj.time = reader.double();
                            break;
                        }
                        case 17: {
                            obj.token = reader.bytes();
                            break;
                        }
                        case 18: {
                            if (opts.limits?.more != null && obj.more.length === opts.limits.more) {
                                throw new MaxLengthError('Decode error - repeated field "more" had too many elements');
                            }
                            obj.more.push(Payload.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.more$
                            }));
                            break;
                        }
                        case 19: {
                            obj.traceparent = reader.string();
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
                    prior: 0,
                    more: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.kind`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.task`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.attempt`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.service`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.payload`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.codec`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.seq`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 8: {
                            if (opts.limits?.prior != null && obj.prior === opts.limits.prior) {
                                throw new MaxLengthError('Streaming decode error - repeated field "prior" had too many elements');
                            }
                            for (const evt of Payload.codec().stream(reader, reader.uint32(), `${prefix}.prior[]`, {
                                limits: opts.limits?.prior$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.prior
                                };
                            }
                            obj.prior++;
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.credit`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.timeoutMs`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 11: {
                            yield {
                                field: `${prefix}.flags`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 12: {
                            yield {
                                field: `${prefix}.code`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 13: {
                            yield {
                                field: `${prefix}.message`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 14: {
                            yield {
                                field: `${prefix}.load`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 15: {
                            yield {
                                field: `${prefix}.capacity`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 16: {
                            yield {
                                field: `${prefix}.time`,
                                value: reader.double()
                            };
                            break;
                        }
                        case 17: {
                            yield {
                                field: `${prefix}.token`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 18: {
                            if (opts.limits?.more != null && obj.more === opts.limits.more) {
                                throw new MaxLengthError('Streaming decode error - repeated field "more" had too many elements');
                            }
                            for (const evt of Payload.codec().stream(reader, reader.uint32(), `${prefix}.more[]`, {
                                limits: opts.limits?.more$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.more
                                };
                            }
                            obj.more++;
                            break;
                        }
                        case 19: {
                            yield {
                                field: `${prefix}.traceparent`,
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
        return encodeMessage(obj, Frame.codec());
    }
    Frame.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Frame.codec(), opts);
    }
    Frame.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Frame.codec(), opts);
    }
    Frame.stream = stream;
})(Frame || (Frame = {}));
export var Payload;
(function (Payload) {
    let _codec;
    Payload.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.data != null && obj.data.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.data);
                }
                if ((obj.codec != null && obj.codec !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.codec);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    data: EMPTY_BYTES,
                    codec: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.data = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.codec = reader.uint32();
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
                                field: `${prefix}.data`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.codec`,
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
        return encodeMessage(obj, Payload.codec());
    }
    Payload.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Payload.codec(), opts);
    }
    Payload.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Payload.codec(), opts);
    }
    Payload.stream = stream;
})(Payload || (Payload = {}));
