/**
 * Erlang terms in Java and the External Term Format (ETF) codec that reads and writes them (OTP:
 * {@code term_to_binary/1}, {@code binary_to_term/1}, {@code erts/doc/guides/erl_ext_dist.md}).
 *
 * <pre>{@code
 * Object term = Tuple.of(Atom.of("ping"), pid, 42);               // {ping,<e1@vm.85.0>,42}
 * byte[] bytes = Terms.termToBinary(term);                        // 131, 104, 3, ...
 * Object back = Terms.binaryToTerm(bytes);                        // equal to term
 *
 * record Ping(ErlPid from, int count) {}
 * TermMapper mapper = TermMapper.builder().registerRecord(Ping.class).build();
 * Ping ping = (Ping) mapper.fromTerm(back);                       // Ping[from=<e1@vm.85.0>, count=42]
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.jarl.dist.term.Term} lists the representation of every Erlang type:
 *       {@link io.jarl.dist.term.Atom}, {@link io.jarl.dist.term.Tuple},
 *       {@link io.jarl.dist.term.ErlList}, {@link io.jarl.dist.term.ErlMap},
 *       {@link io.jarl.dist.term.Binary}, {@link io.jarl.dist.term.Bitstring},
 *       {@link io.jarl.dist.term.ErlPid}, {@link io.jarl.dist.term.ErlRef},
 *       {@link io.jarl.dist.term.ErlPort}, {@link io.jarl.dist.term.ErlFun}, and Java's
 *       {@code Long}, {@code BigInteger} and {@code Double} for numbers.</li>
 *   <li>{@link io.jarl.dist.term.TermEncoder} and {@link io.jarl.dist.term.TermDecoder} are the
 *       codec; the decoder is iterative and bounded by {@link io.jarl.dist.term.DecodeLimits}, so a
 *       hostile peer gets a {@link io.jarl.dist.term.TermDecodeException}, not a crash.</li>
 *   <li>{@link io.jarl.dist.term.AtomCache} reads the atom cache of distribution headers, and
 *       {@link io.jarl.dist.term.AtomCacheRefs} passes its atoms to the decoder.</li>
 *   <li>{@link io.jarl.dist.term.TermMapper} converts Java values, registered records and enums to
 *       terms and back; {@link io.jarl.dist.term.PidMapper} is where a node plugs in its pids.</li>
 * </ul>
 *
 * <p>Everything here is plain data: no process, thread or node is needed to use it.
 */
package io.jarl.dist.term;
