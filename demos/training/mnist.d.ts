// The `mnist` package ships no types; this is the part the demo uses.
declare module 'mnist' {
  interface Digit {
    /** Samples of this digit */
    length: number
    /** Sample i: 784 floats in [0, 1] */
    get(i: number): number[]
  }
  const mnist: Digit[]
  export default mnist
}
