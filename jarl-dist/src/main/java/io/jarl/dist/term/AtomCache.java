package io.jarl.dist.term;

import java.util.Arrays;
import java.util.Objects;

/**
 * The receiving side of one connection's atom cache (OTP: the atom cache of the distribution
 * header, {@code erl_ext_dist.md} "Distribution Header"): 8 segments of 256 atoms that the peer
 * fills with new entries in the headers it sends and then refers to by index.
 *
 * <pre>{@code
 * AtomCache cache = new AtomCache(true);                 // one per connection, UTF-8 atoms negotiated
 * // frame = 131, 68, header..., control, [payload]
 * AtomCache.Header header = cache.readHeader(frame, 2, frame.length);
 * TermDecoder.Decoded control = decoder.decodeBare(frame, header.end(), frame.length, header.refs());
 * }</pre>
 *
 * <p>The cache holds at most 2048 atoms, replaced as the peer says. A header that refers to an entry
 * the peer never filled, or that is cut short, fails with a {@link TermDecodeException}. Not
 * thread-safe: a connection reads its frames in order, on one thread.
 */
public final class AtomCache {
    /**
     * What one header says: the atoms its references stand for, and where the terms begin.
     *
     * @param refs the atoms of the header's references, in order
     * @param end the offset of the first byte after the header
     */
    public record Header(AtomCacheRefs refs, int end) {
    }

    /** The number of entries: 8 segments of 256. */
    public static final int SIZE = 2048;

    private static final AtomCacheRefs NONE = index -> null;

    private final Atom[] entries = new Atom[SIZE];
    private final boolean utf8;

    /**
     * An empty cache.
     *
     * @param utf8 whether new entries are UTF-8 (when {@code DFLAG_UTF8_ATOMS} was negotiated, which
     *     OTP 25 requires) or Latin-1
     */
    public AtomCache(boolean utf8) {
        this.utf8 = utf8;
    }

    /**
     * Reads the header part that follows {@code 131,68} (or the sequence and fragment ids of a
     * {@code 131,69} fragment header): {@code NumberOfAtomCacheRefs}, the flags, and the references,
     * storing new entries in this cache.
     *
     * @param bytes the frame
     * @param offset the offset of {@code NumberOfAtomCacheRefs}
     * @param limit the end of the frame
     * @throws TermDecodeException if the header is malformed or refers to an empty entry
     */
    public Header readHeader(byte[] bytes, int offset, int limit) {
        Objects.checkFromToIndex(offset, limit, bytes.length);
        int pos = offset;
        if (pos >= limit) {
            throw fail(pos, "truncated: NumberOfAtomCacheRefs is missing");
        }
        int n = bytes[pos++] & 0xFF;
        if (n == 0) {
            return new Header(NONE, pos);
        }
        int flagBytes = n / 2 + 1;
        if (limit - pos < flagBytes) {
            throw fail(pos, "truncated: " + flagBytes + " flag bytes needed, " + (limit - pos) + " remain");
        }
        int flagsAt = pos;
        pos += flagBytes;
        boolean longAtoms = (nibble(bytes, flagsAt, n) & 1) != 0;
        Atom[] atoms = new Atom[n];
        for (int i = 0; i < n; i++) {
            int flag = nibble(bytes, flagsAt, i);
            boolean isNew = (flag & 8) != 0;
            int segment = flag & 7;
            if (pos >= limit) {
                throw fail(pos, "truncated: reference " + i + " of " + n + " is missing");
            }
            int slot = segment * 256 + (bytes[pos++] & 0xFF);
            if (isNew) {
                int length;
                if (longAtoms) {
                    if (limit - pos < 2) {
                        throw fail(pos, "truncated: the length of new atom " + i + " is missing");
                    }
                    length = ((bytes[pos] & 0xFF) << 8) | (bytes[pos + 1] & 0xFF);
                    pos += 2;
                } else {
                    if (pos >= limit) {
                        throw fail(pos, "truncated: the length of new atom " + i + " is missing");
                    }
                    length = bytes[pos++] & 0xFF;
                }
                if (limit - pos < length) {
                    throw fail(pos, "truncated: new atom " + i + " has " + length + " bytes, " + (limit - pos)
                            + " remain");
                }
                String text = TermDecoder.atomText(bytes, pos, length, !utf8);
                if (text == null) {
                    throw fail(pos, "new atom " + i + " is not " + (utf8 ? "well-formed UTF-8 " : "")
                            + "of at most 255 characters");
                }
                pos += length;
                entries[slot] = new Atom(text);
            } else if (entries[slot] == null) {
                throw fail(pos - 1, "reference " + i + " is to entry " + (slot & 255) + " of segment " + segment
                        + ", which the peer never filled");
            }
            atoms[i] = entries[slot];
        }
        return new Header(index -> index < atoms.length ? atoms[index] : null, pos);
    }

    /** The flag nibble {@code i}: even indexes in the low half of a byte, odd ones in the high half. */
    private static int nibble(byte[] bytes, int flagsAt, int i) {
        int b = bytes[flagsAt + i / 2] & 0xFF;
        return (i % 2 == 0) ? b & 0xF : b >>> 4;
    }

    /** Forgets every entry, as when the connection is set up again. */
    public void clear() {
        Arrays.fill(entries, null);
    }

    private static TermDecodeException fail(int at, String problem) {
        return new TermDecodeException(at, "at offset " + at + " (distribution header atom cache): " + problem);
    }
}
