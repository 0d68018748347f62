package io.jarl.dist.term;

import java.util.Arrays;

/**
 * An Erlang bitstring whose length in bits is not a multiple of 8 (OTP: {@code bitstring()}), such
 * as {@code <<1,2,3:5>>}. A bitstring of whole bytes is a {@link Binary}.
 *
 * <p>The bits fill the bytes from the most significant bit; the unused low bits of the last byte
 * are always zero here (they are cleared when a bitstring is made), so two bitstrings with the same
 * bits are equal.
 */
public final class Bitstring implements Term {
    final byte[] bytes;
    final int bitsInLastByte;

    /** Takes ownership of {@code bytes}; bitsInLastByte in 1..7; clears the unused bits. */
    Bitstring(byte[] bytes, int bitsInLastByte) {
        bytes[bytes.length - 1] &= (byte) (0xFF << (8 - bitsInLastByte));
        this.bytes = bytes;
        this.bitsInLastByte = bitsInLastByte;
    }

    /**
     * The first {@code bitSize} bits of {@code bytes}: a {@link Bitstring}, or a {@link Binary} when
     * {@code bitSize} is a multiple of 8. The array is copied.
     *
     * @throws IllegalArgumentException if {@code bytes} has fewer than {@code bitSize} bits
     */
    public static Term of(byte[] bytes, long bitSize) {
        if (bitSize < 0 || bitSize > 8L * bytes.length) {
            throw new IllegalArgumentException("a bitstring of " + bitSize + " bits needs that many bits, " + bytes.length
                    + " bytes given");
        }
        int byteCount = (int) ((bitSize + 7) / 8);
        int bits = (int) (bitSize % 8);
        byte[] copy = Arrays.copyOf(bytes, byteCount);
        return bits == 0 ? (byteCount == 0 ? Binary.EMPTY : new Binary(copy)) : new Bitstring(copy, bits);
    }

    /** The number of bits (OTP: {@code bit_size/1}). */
    public long bitSize() {
        return 8L * (bytes.length - 1) + bitsInLastByte;
    }

    /** The number of bits used in the last byte, 1 to 7. */
    public int bitsInLastByte() {
        return bitsInLastByte;
    }

    /** A copy of the bytes; the unused low bits of the last byte are zero. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return this == other
                || (other instanceof Bitstring b && b.bitsInLastByte == bitsInLastByte && Arrays.equals(bytes, b.bytes));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + bitsInLastByte;
    }

    /** Erlang's notation: {@code <<1,2,3:5>>}, the last byte shown as its value in its bits. */
    @Override
    public String toString() {
        return TermFormat.format(this);
    }
}
