/**
 * Works around a race in @libp2p/webrtc 6.0.x (browser to browser). The
 * dialer opens a data channel labelled `init`, waits for its connection to
 * be `connected`, then waits for `init` to be `open` before closing it. The
 * listener closes `init` as soon as it arrives. When the dialer's
 * `connectionstatechange` comes late (a busy page), `init` has already
 * opened and closed, so the dialer waits for an `open` that never comes:
 * the dial hangs until it times out, while the listener counts the link as
 * open and its streams on it hang.
 *
 * The fix keeps such a channel looking open to its creator until the
 * creator closes it itself, then tells it that it closed. Only channels
 * labelled `init` that opened and were closed by the other side before
 * their creator closed them are affected; nothing else changes.
 */
const PATCHED = Symbol.for('meshwork.webrtc-init-race')
const INIT_LABEL = 'init'

export function patchWebRtcInitRace (): void {
  const Pc = (globalThis as any).RTCPeerConnection as (typeof RTCPeerConnection | undefined)
  if (Pc == null || (Pc.prototype as any)[PATCHED] === true) {
    return
  }
  const createDataChannel = Pc.prototype.createDataChannel
  Object.defineProperty(Pc.prototype, PATCHED, { value: true })
  Pc.prototype.createDataChannel = function (this: RTCPeerConnection, label: string, init?: RTCDataChannelInit): RTCDataChannel {
    const channel = createDataChannel.call(this, label, init)
    if (label !== INIT_LABEL) {
      return channel
    }
    let opened = false
    let closedByPeer = false
    let closedByUs = false
    channel.addEventListener('open', () => { opened = true })
    channel.addEventListener('close', () => { closedByPeer = !closedByUs })
    const native = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(channel), 'readyState')
    Object.defineProperty(channel, 'readyState', {
      configurable: true,
      get (): RTCDataChannelState {
        const state = native?.get?.call(channel) as RTCDataChannelState
        return opened && closedByPeer && !closedByUs ? 'open' : state
      }
    })
    const close = channel.close.bind(channel)
    channel.close = () => {
      const late = closedByPeer && !closedByUs
      closedByUs = true
      close()
      if (late) {
        // its own close event went out before anyone listened: say it again
        setTimeout(() => { channel.dispatchEvent(new Event('close')) }, 0)
      }
    }
    return channel
  }
}
