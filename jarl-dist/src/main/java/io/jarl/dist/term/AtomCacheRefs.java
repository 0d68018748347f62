package io.jarl.dist.term;

/**
 * The atoms that {@code ATOM_CACHE_REF} (tag 82) entries of the terms after one distribution
 * header refer to (OTP: the {@code AtomCacheRefs} of a {@code 131,68} header, see
 * {@code erl_ext_dist.md} "Distribution Header").
 *
 * <p>The connection layer reads each distribution header, updates its per-connection
 * {@link AtomCache}, and passes what {@link AtomCache#readHeader(byte[], int, int)} returns to
 * {@link TermDecoder#decodeBare(byte[], int, int, AtomCacheRefs)} for the control message and the
 * payload that follow. Any other implementation works too, for tests or another cache.
 */
@FunctionalInterface
public interface AtomCacheRefs {
    /**
     * The atom of {@code index} (0 to 254) in the current header, or null if the header has fewer
     * references (the decoder then fails with a {@link TermDecodeException}).
     */
    Atom atom(int index);
}
