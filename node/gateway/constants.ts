/** Defaults of the OpenAI-compatible gateway. */

/**
 * HTTP port the `meshwork gateway` command listens on, clear of the model
 * servers it fronts (vLLM 8000, llama.cpp 8080, Ollama 11434).
 */
export const DEFAULT_GATEWAY_PORT = 8400
/** Interface it listens on. */
export const DEFAULT_GATEWAY_HOST = '127.0.0.1'
/** Largest request body accepted; more gets 413. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024
/** Deadline of one completion, across attempts; past it the client gets 504. */
export const DEFAULT_COMPLETION_TIMEOUT_MS = 300_000
/**
 * An answer with no token for this long while the client reads moves to
 * another worker. Long: a model may take many seconds over a long prompt
 * before its first token, and a dead worker is caught sooner by liveness.
 */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000
/** Completions in flight at once; more get 429. */
export const DEFAULT_MAX_COMPLETIONS = 1_024
/** Texts one embeddings request may hold (OpenAI's limit); more get 400. */
export const DEFAULT_MAX_EMBEDDING_INPUTS = 2_048
/** Conversations whose worker the gateway remembers, for sticky routing. */
export const DEFAULT_MAX_CONVERSATIONS = 10_000
/** Tasks whose first worker the gateway remembers until their handler reads it. */
export const MAX_TRACKED_DISPATCHES = 10_000
/** How long a request may take to send its headers and body. */
export const REQUEST_READ_TIMEOUT_MS = 30_000
