package io.jarl.dist.term;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An Erlang binary: a sequence of bytes (OTP: {@code binary()}), such as {@code <<"hello">>}.
 * Elixir's strings are UTF-8 binaries, and {@link TermMapper} maps Java {@code String}s to them.
 *
 * <pre>{@code
 * Binary greeting = Binary.of("héllo");     // <<"héllo"/utf8>>: UTF-8 bytes
 * String text = greeting.toUtf8String();    // "héllo"
 * Binary raw = Binary.of(new byte[] {1, 2}); // <<1,2>>: the array is copied
 * }</pre>
 *
 * <p>A binary is immutable: the bytes given are copied, and {@link #toByteArray()} returns a copy.
 */
public final class Binary implements Term {
    /** The empty binary {@code <<>>}. */
    public static final Binary EMPTY = new Binary(new byte[0]);

    final byte[] bytes;
    private int hash;
    private boolean hashed;

    /** Takes ownership of {@code bytes}. */
    Binary(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The binary holding a copy of {@code bytes}. */
    public static Binary of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Binary(bytes.clone());
    }

    /** The binary holding a copy of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Binary of(byte[] bytes, int offset, int length) {
        return new Binary(Arrays.copyOfRange(bytes, offset, Math.addExact(offset, length)));
    }

    /** The UTF-8 encoding of {@code text}: an Elixir string. */
    public static Binary of(String text) {
        return new Binary(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The number of bytes (OTP: {@code byte_size/1}). */
    public int size() {
        return bytes.length;
    }

    /** The byte at {@code index}, counting from 0. */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** The bytes as a read-only buffer, without copying. */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** Writes the bytes to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    /** Whether the bytes are well-formed UTF-8, as Elixir's {@code String.valid?/1} checks. */
    public boolean isValidUtf8() {
        return Terms.isValidUtf8(bytes, 0, bytes.length);
    }

    /**
     * The bytes decoded as UTF-8 (OTP: {@code unicode:characters_to_list/1}).
     *
     * @throws IllegalArgumentException if the bytes are not well-formed UTF-8
     */
    public String toUtf8String() {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the binary is not UTF-8: " + this, e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof Binary b && Arrays.equals(bytes, b.bytes));
    }

    @Override
    public int hashCode() {
        if (!hashed) {
            hash = Arrays.hashCode(bytes);
            hashed = true;
        }
        return hash;
    }

    /** Erlang's notation: {@code <<"text">>}, {@code <<"tëxt"/utf8>>} or {@code <<1,2,3>>}. */
    @Override
    public String toString() {
        return TermFormat.format(this);
    }
}
