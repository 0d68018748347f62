package io.jarl.dist.term;

/**
 * Bytes that are not a well-formed term in the external term format, or a term beyond the
 * decoder's {@link DecodeLimits} (OTP: {@code binary_to_term/1} fails with {@code badarg}).
 *
 * <p>The message names the byte offset, the tag being read and what was wrong, such as
 * {@code at offset 1 (LIST_EXT, tag 108): 2147483647 elements declared, but only 5 bytes remain}.
 */
public final class TermDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    /**
     * A failure at {@code offset} in the input.
     *
     * @param offset the offset of the tag (or byte) where decoding failed, counted in the array given
     *     to the decoder (or in the inflated bytes of a compressed term, as the message says)
     * @param message what was wrong
     */
    public TermDecodeException(int offset, String message) {
        super(message);
        this.offset = offset;
    }

    TermDecodeException(int offset, String message, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /** The offset of the tag (or byte) where decoding failed. */
    public int offset() {
        return offset;
    }
}
