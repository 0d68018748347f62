package io.jarl.dist.term;

/**
 * The limits a {@link TermDecoder} enforces, so that hostile or broken input fails fast with a
 * {@link TermDecodeException} instead of exhausting memory or time.
 *
 * <p>Independently of these limits, every length in the input is checked against the bytes that
 * remain before anything is allocated (a list claiming 2<sup>31</sup> elements in a 10-byte input
 * fails at once), decoding uses no recursion (nesting depth costs heap, not stack), atoms are
 * limited to 255 characters as on the BEAM, and atoms are never interned in a global table.
 *
 * <pre>{@code
 * TermDecoder strict = new TermDecoder(DecodeLimits.DEFAULT.withMaxTerms(10_000).withMaxDepth(100));
 * }</pre>
 *
 * @param maxTerms the most terms (every integer, atom, element, key and value counts one) one call
 *     decodes; bounds the memory a small input can expand into
 * @param maxDepth the deepest nesting of tuples, lists, maps and funs
 * @param maxBigDigits the most bytes in the magnitude of one big integer ({@code SMALL_BIG_EXT},
 *     {@code LARGE_BIG_EXT})
 * @param maxDecompressedBytes the most bytes a compressed term ({@code term_to_binary(T,
 *     [compressed])}) may inflate to; inflation stops as soon as it would pass this
 */
public record DecodeLimits(long maxTerms, int maxDepth, int maxBigDigits, int maxDecompressedBytes) {
    /**
     * 64 million terms, any depth, bignums of 64 KiB (about 158,000 decimal digits), 64 MiB
     * decompressed.
     */
    public static final DecodeLimits DEFAULT = new DecodeLimits(64L << 20, Integer.MAX_VALUE, 64 << 10, 64 << 20);

    public DecodeLimits {
        if (maxTerms < 1 || maxDepth < 1 || maxBigDigits < 1 || maxDecompressedBytes < 1) {
            throw new IllegalArgumentException("limits are positive: " + maxTerms + ", " + maxDepth + ", "
                    + maxBigDigits + ", " + maxDecompressedBytes);
        }
    }

    /** These limits with {@code maxTerms} changed. */
    public DecodeLimits withMaxTerms(long maxTerms) {
        return new DecodeLimits(maxTerms, maxDepth, maxBigDigits, maxDecompressedBytes);
    }

    /** These limits with {@code maxDepth} changed. */
    public DecodeLimits withMaxDepth(int maxDepth) {
        return new DecodeLimits(maxTerms, maxDepth, maxBigDigits, maxDecompressedBytes);
    }

    /** These limits with {@code maxBigDigits} changed. */
    public DecodeLimits withMaxBigDigits(int maxBigDigits) {
        return new DecodeLimits(maxTerms, maxDepth, maxBigDigits, maxDecompressedBytes);
    }

    /** These limits with {@code maxDecompressedBytes} changed. */
    public DecodeLimits withMaxDecompressedBytes(int maxDecompressedBytes) {
        return new DecodeLimits(maxTerms, maxDepth, maxBigDigits, maxDecompressedBytes);
    }
}
