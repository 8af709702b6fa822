import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
const EMPTY_BYTES = new Uint8Array(0);
export var Capability;
(function (Capability) {
    let _codec;
    Capability.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.peer != null && obj.peer.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.peer);
                }
                if (obj.services != null && obj.services.length > 0) {
                    for (const value of obj.services) {
                        w.uint32(18);
                        w.string(value);
                    }
                }
                if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
                    w.uint32(24);
                    w.uint64(obj.expiresAt);
                }
                if ((obj.issuedAt != null && obj.issuedAt !== 0n)) {
                    w.uint32(32);
                    w.uint64(obj.issuedAt);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    peer: EMPTY_BYTES,
                    services: [],
                    expiresAt: 0n,
                    issuedAt: 0n
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
                            if (opts.limits?.services != null && obj.services.length === opts.limits.services) {
                                throw new MaxLengthError('Decode error - repeated field "services" had too many elements');
                            }
                            obj.services.push(reader.string());
                            break;
                        }
                        case 3: {
                            obj.expiresAt = reader.uint64();
                            break;
                        }
                        case 4: {
                            obj.issuedAt = reader.uint64();
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
                    services: 0
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
                            if (opts.limits?.services != null && obj.services === opts.limits.services) {
                                throw new MaxLengthError('Streaming decode error - repeated field "services" had too many elements');
                            }
                            yield {
                                field: `${prefix}.services[]`,
                                index: obj.services,
                                value: reader.string()
                            };
                            obj.services++;
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.expiresAt`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.issuedAt`,
                                value: reader.uint64()
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
        return encodeMessage(obj, Capability.codec());
    }
    Capability.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Capability.codec(), opts);
    }
    Capability.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Capability.codec(), opts);
    }
    Capability.stream = stream;
})(Capability || (Capability = {}));
export var SignedCapability;
(function (SignedCapability) {
    let _codec;
    SignedCapability.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.capability != null && obj.capability.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.capability);
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
                    capability: EMPTY_BYTES,
                    signature: EMPTY_BYTES
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.capability = reader.bytes();
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
                                field: `${prefix}.capability`,
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
        return encodeMessage(obj, SignedCapability.codec());
    }
    SignedCapability.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, SignedCapability.codec(), opts);
    }
    SignedCapability.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, SignedCapability.codec(), opts);
    }
    SignedCapability.stream = stream;
})(SignedCapability || (SignedCapability = {}));
