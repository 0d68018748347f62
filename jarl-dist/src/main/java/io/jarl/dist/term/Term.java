package io.jarl.dist.term;

/**
 * An Erlang term that has no natural Java type (OTP: {@code term()}); numbers are plain Java numbers.
 *
 * <p>Every Erlang value has exactly one Java representation:
 *
 * <table class="striped">
 *   <caption>Erlang types and their Java representation</caption>
 *   <thead><tr><th>Erlang</th><th>Java</th></tr></thead>
 *   <tbody>
 *   <tr><td>integer</td><td>{@link Long}, or {@link java.math.BigInteger} only outside the
 *       {@code long} range</td></tr>
 *   <tr><td>float</td><td>{@link Double} (finite; {@code -0.0} and {@code 0.0} differ, as in OTP 27)</td></tr>
 *   <tr><td>atom</td><td>{@link Atom}</td></tr>
 *   <tr><td>tuple</td><td>{@link Tuple}</td></tr>
 *   <tr><td>list, {@code []}, improper list, string</td><td>{@link ErlList}</td></tr>
 *   <tr><td>map</td><td>{@link ErlMap}</td></tr>
 *   <tr><td>binary</td><td>{@link Binary}</td></tr>
 *   <tr><td>bitstring (a bit count not divisible by 8)</td><td>{@link Bitstring}</td></tr>
 *   <tr><td>pid, reference, port</td><td>{@link ErlPid}, {@link ErlRef}, {@link ErlPort}</td></tr>
 *   <tr><td>fun</td><td>{@link ErlFun} ({@link ErlFun.Export} or the opaque {@link ErlFun.Closure})</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>So a term is an {@code Object} that is a {@code Long}, a {@code BigInteger}, a {@code Double} or
 * a {@code Term}; the decoder returns nothing else, and the containers accept nothing else
 * ({@code Integer}, {@code Short}, {@code Byte} and {@code Float} are widened, a {@code BigInteger}
 * that fits is narrowed to {@code Long}; anything else, {@code String} included, is refused:
 * {@link TermMapper} converts ordinary Java values). Equality is Erlang's exact equality
 * ({@code =:=}): {@code 1} and {@code 1.0} differ, maps ignore order. Every term prints the way
 * OTP 25's {@code io_lib:format("~tp", [T])} prints it on one line ({@link Terms#format(Object)}
 * also prints numbers so), with two differences: in {@link ErlPid}, {@link ErlRef} and
 * {@link ErlPort} the node's name stands where Erlang prints a node index, and a map prints its
 * entries in its own order, which for a map from Erlang of more than 32 keys is not the order
 * Erlang prints.
 *
 * <p>Terms are immutable and safe to share between threads. {@code equals}, {@code hashCode} and
 * {@code toString} work without recursion, so a million-deep list can be compared and printed.
 */
public sealed interface Term permits Atom, Tuple, ErlList, ErlMap, Binary, Bitstring, ErlPid, ErlRef, ErlPort,
        ErlFun {
}
