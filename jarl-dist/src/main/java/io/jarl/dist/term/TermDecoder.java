package io.jarl.dist.term;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads terms in Erlang's external term format (OTP: {@code binary_to_term/1,2}), every tag that
 * OTP 25 to 28 emits, defensively enough to face a hostile peer.
 *
 * <pre>{@code
 * TermDecoder decoder = new TermDecoder();
 * Object term = decoder.decode(bytes);                 // exactly one term after the byte 131
 *
 * // a pass-through frame: 112, then 131 + control message, then 131 + payload
 * TermDecoder.Decoded control = decoder.decode(frame, 1, frame.length);
 * TermDecoder.Decoded payload = decoder.decode(frame, control.end(), frame.length);
 *
 * // after a distribution header (131, 68, ...): terms without 131, atoms from the header
 * AtomCache.Header header = atomCache.readHeader(frame, 2, frame.length);
 * TermDecoder.Decoded ctrl = decoder.decodeBare(frame, header.end(), frame.length, header.refs());
 * }</pre>
 *
 * <p>What comes back is described in {@link Term}: integers as {@code Long} (or {@code BigInteger}
 * beyond the {@code long} range), floats as {@code Double}, {@code STRING_EXT} as a list of
 * integers, old pid, port and reference encodings as the same values as the new ones. Decoding is
 * stricter than OTP in a few documented places: {@link #decode(byte[])} refuses bytes after the
 * term; a fun whose {@code Size} field disagrees with its contents is refused; an export's arity
 * must be 0 to 255; a {@code NEWER_REFERENCE_EXT} of no id words is refused (OTP 25 accepts one only
 * as the last term of its input, and never makes one); the undocumented tags by which a node
 * refers to its own atom table ({@code ATOM_INTERNAL_REF2/3}, 73 and 75, which
 * {@code binary_to_term/1} reads) are refused, as they mean nothing on another node.
 *
 * <p>Safety: every failure is a {@link TermDecodeException} naming the offset, the tag and the
 * problem, whatever the input: never a stack overflow, an out-of-memory from a forged length, an
 * index or negative-size exception, or a hang. Every length is checked against the bytes that
 * remain before anything is allocated, the {@link DecodeLimits} cap the number of terms, the
 * nesting depth, bignum sizes and decompressed size, and atoms are not interned anywhere.
 *
 * <p>A decoder is not thread-safe: it keeps its work stack and a small atom cache between calls.
 * Use one per connection or per thread; it is cheap to make.
 */
public final class TermDecoder {
    /**
     * A term and the offset just after its last byte, where the next term (if any) starts.
     *
     * @param term the term
     * @param end the offset after the term
     */
    public record Decoded(Object term, int end) {
    }

    /*
     * Implementation overview. One cursor (buf, pos, limit) over a byte array, no per-byte virtual
     * calls. readTerm() reads one term: a leaf is returned whole; a tuple, list, map or fun with
     * elements pushes a frame on an explicit stack (parallel arrays: kind, items, index, count,
     * start, aux) and returns null, so that the loop in run() reads its first element next. Each
     * finished value is delivered to the top frame; a frame that is full is built into its term
     * and delivered in turn to the frame below. Nothing recurses, so depth costs heap (about 30
     * bytes a level plus the terms), not stack. A list whose tail is another LIST_EXT, a
     * STRING_EXT or NIL continues in the same frame, so lists are stored flat however they were
     * encoded. The only nested call is for COMPRESSED, which may appear only right after the
     * version byte and so nests once.
     */

    private static final int K_TUPLE = 0;
    private static final int K_LIST = 1;
    private static final int K_LIST_TAIL = 2;
    private static final int K_MAP = 3;
    private static final int K_FUN = 4;

    private static final int ATOM_SLOTS = 256;
    private static final int SHRINK_ABOVE = 1024;

    private final DecodeLimits limits;
    /** Null: pids and references decode as ErlPid and ErlRef. Else: as the mapper says. */
    private final PidMapper pids;

    private byte[] buf;
    private int pos;
    private int limit;
    private AtomCacheRefs refs;
    private long terms;
    private int refsUsed;
    /** The offset of the COMPRESSED tag while decoding its inflated bytes, else -1. */
    private int inflatedFrom = -1;

    private int depth;
    private int[] kind = new int[16];
    private Object[] items = new Object[16];
    private int[] index = new int[16];
    private long[] count = new long[16];
    private int[] start = new int[16];
    private Object[] aux = new Object[16];
    private int highWater;

    private final Atom[] atomSlots = new Atom[ATOM_SLOTS];
    private final byte[][] atomKeys = new byte[ATOM_SLOTS][];

    /** A decoder with the {@link DecodeLimits#DEFAULT default limits}. */
    public TermDecoder() {
        this(DecodeLimits.DEFAULT);
    }

    /** A decoder with {@code limits}. */
    public TermDecoder(DecodeLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.pids = null;
    }

    /**
     * A decoder with {@code limits} that gives pids and references as {@code pids} maps them (for a
     * distributed node: {@link io.jarl.Pid}s and {@link io.jarl.Ref}s that processes can use at
     * once, inside tuples too). A fun's pid stays an {@link ErlPid}.
     */
    public TermDecoder(DecodeLimits limits, PidMapper pids) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.pids = Objects.requireNonNull(pids, "pids");
    }

    /** The limits this decoder enforces. */
    public DecodeLimits limits() {
        return limits;
    }

    /**
     * The one term in {@code bytes}: the version byte 131, then a term (possibly compressed), and
     * nothing after it.
     *
     * @throws TermDecodeException if that is not what {@code bytes} holds, or a limit is passed
     */
    public Object decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        Object term = decodeVersioned(bytes, 0, bytes.length);
        if (pos != bytes.length) {
            throw new TermDecodeException(pos, "at offset " + pos + ": " + (bytes.length - pos)
                    + " bytes follow the term (use decode(bytes, offset, limit) to read several terms)");
        }
        return term;
    }

    /**
     * The term that starts at {@code offset} with the version byte 131, and where it ends; bytes
     * from there up to {@code limit} are left for the caller (the payload after a control message).
     *
     * @param bytes the input
     * @param offset where the version byte is
     * @param limit the end of the bytes the term may use
     * @throws TermDecodeException if no well-formed term starts there within the limits
     * @throws IndexOutOfBoundsException if {@code offset} and {@code limit} do not lie in {@code bytes}
     */
    public Decoded decode(byte[] bytes, int offset, int limit) {
        Objects.checkFromToIndex(offset, limit, bytes.length);
        Object term = decodeVersioned(bytes, offset, limit);
        return new Decoded(term, pos);
    }

    /**
     * The term that starts at {@code offset} without a version byte, as terms follow a
     * distribution header ({@code 131,68}); {@code ATOM_CACHE_REF}s are resolved through
     * {@code refs}.
     *
     * @param refs the atoms of the header, or null when there is none (an {@code ATOM_CACHE_REF}
     *     then fails)
     * @throws TermDecodeException if no well-formed term starts there within the limits
     */
    public Decoded decodeBare(byte[] bytes, int offset, int limit, AtomCacheRefs refs) {
        Objects.checkFromToIndex(offset, limit, bytes.length);
        begin(bytes, offset, limit, refs);
        try {
            Object term = run();
            return new Decoded(term, pos);
        } finally {
            end();
        }
    }

    private Object decodeVersioned(byte[] bytes, int offset, int end) {
        begin(bytes, offset, end, null);
        try {
            if (pos >= limit) {
                throw new TermDecodeException(pos, "at offset " + pos + ": no bytes, expected the version byte 131");
            }
            int version = buf[pos] & 0xFF;
            if (version != Ext.VERSION) {
                throw new TermDecodeException(pos, "at offset " + pos + ": version byte " + version
                        + ", expected 131 (" + (version == 112 ? "a pass-through frame's 112 must be skipped first"
                                : "not the external term format") + ")");
            }
            pos++;
            if (pos < limit && (buf[pos] & 0xFF) == Ext.COMPRESSED) {
                return compressed();
            }
            return run();
        } finally {
            end();
        }
    }

    private void begin(byte[] bytes, int offset, int end, AtomCacheRefs atomRefs) {
        buf = bytes;
        pos = offset;
        limit = end;
        refs = atomRefs;
        terms = 0;
        refsUsed = 0;
        inflatedFrom = -1;
        depth = 0;
    }

    private void end() {
        buf = null;
        refs = null;
        for (int i = 0; i < highWater; i++) {
            items[i] = null;
            aux[i] = null;
        }
        if (kind.length > SHRINK_ABOVE) {
            kind = new int[16];
            items = new Object[16];
            index = new int[16];
            count = new long[16];
            start = new int[16];
            aux = new Object[16];
        }
        highWater = 0;
        depth = 0;
    }

    // ---- the loop

    private Object run() {
        for (;;) {
            Object value = readTerm();
            while (value != null) {
                if (depth == 0) {
                    return value;
                }
                value = deliver(value);
            }
        }
    }

    /** Gives {@code value} to the top frame; returns the frame's finished term, or null if it wants more. */
    private Object deliver(Object value) {
        int d = depth - 1;
        switch (kind[d]) {
            case K_TUPLE -> {
                Object[] a = (Object[]) items[d];
                int i = index[d];
                a[i++] = value;
                if (i < a.length) {
                    index[d] = i;
                    return null;
                }
                depth--;
                return new Tuple(a);
            }
            case K_LIST -> {
                Object[] a = (Object[]) items[d];
                int i = index[d];
                a[i++] = value;
                index[d] = i;
                if (i < count[d]) {
                    return null;
                }
                return listTail(d);
            }
            case K_LIST_TAIL -> {
                Object[] a = (Object[]) items[d];
                int n = index[d];
                depth--;
                return new ErlList(n == a.length ? a : Arrays.copyOf(a, n), value);
            }
            case K_MAP -> {
                Object[] a = (Object[]) items[d];
                int i = index[d];
                a[i++] = value;
                if (i < a.length) {
                    index[d] = i;
                    return null;
                }
                depth--;
                int n = a.length / 2;
                Object[] keys = new Object[n];
                Object[] values = new Object[n];
                for (int k = 0; k < n; k++) {
                    keys[k] = a[2 * k];
                    values[k] = a[2 * k + 1];
                }
                ErlMap map = ErlMap.build(keys, values);
                if (map == null) {
                    throw fail(start[d], Ext.MAP, "a key occurs twice in the map");
                }
                return map;
            }
            default -> {
                Object[] a = (Object[]) items[d];
                int i = index[d];
                a[i++] = value;
                if (i < a.length) {
                    index[d] = i;
                    return null;
                }
                depth--;
                return finishFun((FunHeader) aux[d], a);
            }
        }
    }

    /**
     * The elements of list frame {@code d} are all read: reads a NIL, STRING_EXT or LIST_EXT tail
     * into the same frame, or switches the frame to wait for a non-list tail.
     */
    private Object listTail(int d) {
        for (;;) {
            if (pos >= limit) {
                throw fail(start[d], Ext.LIST, "truncated: the list's tail is missing");
            }
            int at = pos;
            int tag = buf[pos] & 0xFF;
            switch (tag) {
                case Ext.NIL -> {
                    pos++;
                    countTerms(at, tag, 1);
                    return finishProperList(d);
                }
                case Ext.STRING -> {
                    pos++;
                    countTerms(at, tag, 1);
                    need(at, tag, 2, "its length");
                    int n = u16();
                    need(at, tag, n, "its characters");
                    countTerms(at, tag, n);
                    Object[] a = growList(d, n);
                    int i = index[d];
                    for (int k = 0; k < n; k++) {
                        a[i++] = Terms.integer(buf[pos++] & 0xFF);
                    }
                    index[d] = i;
                    return finishProperList(d);
                }
                case Ext.LIST -> {
                    pos++;
                    countTerms(at, tag, 1);
                    need(at, tag, 4, "its length");
                    long n = u32();
                    checkCount(at, tag, n, 1, 1);
                    if (n == 0) {
                        continue; // [] ++ Tail: its tail is our tail
                    }
                    growList(d, n);
                    count[d] = index[d] + n;
                    return null;
                }
                default -> {
                    kind[d] = K_LIST_TAIL;
                    return null;
                }
            }
        }
    }

    private Object finishProperList(int d) {
        Object[] a = (Object[]) items[d];
        int n = index[d];
        depth--;
        return new ErlList(n == a.length ? a : Arrays.copyOf(a, n), ErlList.NIL);
    }

    /** Makes room for {@code n} more elements in list frame {@code d}. */
    private Object[] growList(int d, long n) {
        Object[] a = (Object[]) items[d];
        long needed = index[d] + n;
        if (needed > a.length) {
            long size = Math.min(Math.max(needed, 2L * a.length), Integer.MAX_VALUE - 8);
            a = Arrays.copyOf(a, (int) size);
            items[d] = a;
        }
        return a;
    }

    private void push(int at, int tag, int frameKind, Object[] elements, long n, Object extra) {
        if (depth >= limits.maxDepth()) {
            throw fail(at, tag, "nesting deeper than the limit of " + limits.maxDepth());
        }
        if (depth == kind.length) {
            int size = kind.length * 2;
            kind = Arrays.copyOf(kind, size);
            items = Arrays.copyOf(items, size);
            index = Arrays.copyOf(index, size);
            count = Arrays.copyOf(count, size);
            start = Arrays.copyOf(start, size);
            aux = Arrays.copyOf(aux, size);
        }
        int d = depth++;
        kind[d] = frameKind;
        items[d] = elements;
        index[d] = 0;
        count[d] = n;
        start[d] = at;
        aux[d] = extra;
        if (depth > highWater) {
            highWater = depth;
        }
    }

    // ---- one term

    /** Reads one term: returns it, or pushes a frame and returns null when it has elements to read. */
    private Object readTerm() {
        for (;;) {
            if (pos >= limit) {
                throw new TermDecodeException(pos, where(pos) + "truncated: a term was expected");
            }
            int at = pos;
            int tag = buf[pos++] & 0xFF;
            countTerms(at, tag, 1);
            switch (tag) {
                case Ext.SMALL_INTEGER -> {
                    need(at, tag, 1, "the integer");
                    return Terms.integer(buf[pos++] & 0xFF);
                }
                case Ext.INTEGER -> {
                    need(at, tag, 4, "the integer");
                    return Terms.integer(i32());
                }
                case Ext.SMALL_BIG -> {
                    need(at, tag, 2, "the digit count and sign");
                    int n = buf[pos++] & 0xFF;
                    int sign = buf[pos++] & 0xFF;
                    return big(at, tag, n, sign);
                }
                case Ext.LARGE_BIG -> {
                    need(at, tag, 5, "the digit count and sign");
                    long n = u32();
                    int sign = buf[pos++] & 0xFF;
                    return big(at, tag, n, sign);
                }
                case Ext.NEW_FLOAT -> {
                    need(at, tag, 8, "the float");
                    double d = Double.longBitsToDouble(i64());
                    if (!Double.isFinite(d)) {
                        throw fail(at, tag, "not a finite float: " + d);
                    }
                    return d;
                }
                case Ext.FLOAT -> {
                    return oldFloat(at, tag);
                }
                case Ext.ATOM, Ext.SMALL_ATOM, Ext.ATOM_UTF8, Ext.SMALL_ATOM_UTF8, Ext.ATOM_CACHE_REF -> {
                    return atomBody(at, tag);
                }
                case Ext.SMALL_TUPLE, Ext.LARGE_TUPLE -> {
                    long n;
                    if (tag == Ext.SMALL_TUPLE) {
                        need(at, tag, 1, "the arity");
                        n = buf[pos++] & 0xFF;
                    } else {
                        need(at, tag, 4, "the arity");
                        n = u32();
                    }
                    if (n == 0) {
                        return Tuple.EMPTY;
                    }
                    checkCount(at, tag, n, 1, 0);
                    push(at, tag, K_TUPLE, new Object[(int) n], n, null);
                    return null;
                }
                case Ext.NIL -> {
                    return ErlList.NIL;
                }
                case Ext.STRING -> {
                    need(at, tag, 2, "the length");
                    int n = u16();
                    need(at, tag, n, "the characters");
                    countTerms(at, tag, n);
                    if (n == 0) {
                        return ErlList.NIL;
                    }
                    Object[] chars = new Object[n];
                    for (int i = 0; i < n; i++) {
                        chars[i] = Terms.integer(buf[pos++] & 0xFF);
                    }
                    return new ErlList(chars, ErlList.NIL);
                }
                case Ext.LIST -> {
                    need(at, tag, 4, "the length");
                    long n = u32();
                    checkCount(at, tag, n, 1, 1);
                    if (n == 0) {
                        continue; // a list of no elements is its tail (as binary_to_term/1 reads it)
                    }
                    push(at, tag, K_LIST, new Object[(int) n], n, null);
                    return null;
                }
                case Ext.MAP -> {
                    need(at, tag, 4, "the size");
                    long n = u32();
                    if (n == 0) {
                        return ErlMap.EMPTY;
                    }
                    checkCount(at, tag, n, 2, 0);
                    push(at, tag, K_MAP, new Object[(int) (2 * n)], 2 * n, null);
                    return null;
                }
                case Ext.BINARY -> {
                    need(at, tag, 4, "the length");
                    long n = u32();
                    need(at, tag, n, "the bytes");
                    if (n == 0) {
                        return Binary.EMPTY;
                    }
                    byte[] bytes = Arrays.copyOfRange(buf, pos, pos + (int) n);
                    pos += (int) n;
                    return new Binary(bytes);
                }
                case Ext.BIT_BINARY -> {
                    need(at, tag, 5, "the length and bit count");
                    long n = u32();
                    int bits = buf[pos++] & 0xFF;
                    if (bits > 8 || (bits == 0) != (n == 0)) {
                        throw fail(at, tag, bits + " bits used in the last of " + n
                                + " bytes (1 to 8 for a non-empty bitstring, 0 for an empty one)");
                    }
                    need(at, tag, n, "the bytes");
                    if (n == 0) {
                        return Binary.EMPTY;
                    }
                    byte[] bytes = Arrays.copyOfRange(buf, pos, pos + (int) n);
                    pos += (int) n;
                    return bits == 8 ? new Binary(bytes) : new Bitstring(bytes, bits);
                }
                case Ext.NEW_PID, Ext.PID -> {
                    Object pid = pidBody(at, tag);
                    return pids == null ? pid : pids.fromTerm((ErlPid) pid);
                }
                case Ext.NEW_PORT, Ext.V4_PORT, Ext.PORT -> {
                    Atom node = atom(at, tag, "the node");
                    long id;
                    long creation;
                    if (tag == Ext.V4_PORT) {
                        need(at, tag, 12, "the id and creation");
                        id = i64();
                        creation = u32();
                    } else if (tag == Ext.NEW_PORT) {
                        need(at, tag, 8, "the id and creation");
                        id = u32();
                        creation = u32();
                    } else {
                        need(at, tag, 5, "the id and creation");
                        id = u32();
                        creation = oldCreation(at, tag);
                    }
                    return new ErlPort(node, id, creation);
                }
                case Ext.NEWER_REFERENCE, Ext.NEW_REFERENCE -> {
                    need(at, tag, 2, "the length");
                    int n = u16();
                    boolean newer = tag == Ext.NEWER_REFERENCE;
                    if (n > ErlRef.MAX_WORDS || n == 0) {
                        // OTP 25 reads a reference of no words only as the very last term of its input
                        throw fail(at, tag, n + " id words (1 to 5 allowed)");
                    }
                    Atom node = atom(at, tag, "the node");
                    need(at, tag, (newer ? 4 : 1) + 4L * n, "the creation and ids");
                    long creation = newer ? u32() : oldCreation(at, tag);
                    int[] ids = new int[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = i32();
                    }
                    if (!newer && (ids[0] & 0xFFFF_FFFFL) >= 1 << 18) {
                        throw fail(at, tag, "the first id word has only 18 significant bits, not " + (ids[0] & 0xFFFF_FFFFL));
                    }
                    return ref(new ErlRef(node, creation, ids));
                }
                case Ext.REFERENCE -> {
                    Atom node = atom(at, tag, "the node");
                    need(at, tag, 5, "the id and creation");
                    int id = i32();
                    long creation = oldCreation(at, tag);
                    if ((id & 0xFFFF_FFFFL) >= 1 << 18) {
                        throw fail(at, tag, "the id has only 18 significant bits, not " + (id & 0xFFFF_FFFFL));
                    }
                    return ref(new ErlRef(node, creation, id));
                }
                case Ext.EXPORT -> {
                    Atom module = atom(at, tag, "the module");
                    Atom function = atom(at, tag, "the function");
                    long arity = smallInteger(at, tag, "the arity");
                    if (arity < 0 || arity > 255) {
                        throw fail(at, tag, "arity " + arity + " (0 to 255)");
                    }
                    return new ErlFun.Export(module, function, (int) arity);
                }
                case Ext.NEW_FUN -> {
                    return funHeader(at, tag);
                }
                case Ext.COMPRESSED -> throw fail(at, tag, "a compressed term may only follow the version byte 131");
                case Ext.VERSION -> throw fail(at, tag, "a version byte inside a term");
                case Ext.DIST_HEADER -> throw fail(at, tag, "a distribution header where a term was expected");
                case Ext.LOCAL -> throw fail(at, tag, "a term in a node-local format (term_to_binary(T, [local]), "
                        + "OTP 26), which only the node that made it can read");
                case Ext.FUN -> throw fail(at, tag, "the fun encoding OTP removed in OTP 23");
                case Ext.ATOM_INTERNAL_REF2, Ext.ATOM_INTERNAL_REF3, Ext.BINARY_INTERNAL_REF,
                        Ext.BIT_BINARY_INTERNAL_REF -> throw fail(at, tag, "an encoding internal to one Erlang node "
                                + "(an index into its atom table or a pointer into its memory), never sent between nodes");
                default -> throw fail(at, tag, "not a term tag");
            }
        }
    }

    // ---- leaves

    private Object big(int at, int tag, long n, int sign) {
        if (n > limits.maxBigDigits()) {
            throw fail(at, tag, "an integer of " + n + " bytes, above the limit of " + limits.maxBigDigits());
        }
        need(at, tag, n, "the digits");
        int len = (int) n;
        if (len <= 8) {
            long magnitude = 0;
            for (int i = len - 1; i >= 0; i--) {
                magnitude = (magnitude << 8) | (buf[pos + i] & 0xFF);
            }
            pos += len;
            if (magnitude >= 0) {
                return Terms.integer(sign == 0 ? magnitude : -magnitude);
            }
            if (sign != 0 && magnitude == Long.MIN_VALUE) {
                return Long.MIN_VALUE;
            }
            BigInteger unsigned = new BigInteger(Long.toUnsignedString(magnitude));
            return sign == 0 ? unsigned : unsigned.negate();
        }
        byte[] bigEndian = new byte[len];
        for (int i = 0; i < len; i++) {
            bigEndian[len - 1 - i] = buf[pos + i];
        }
        pos += len;
        BigInteger value = new BigInteger(1, bigEndian);
        return Terms.integer(sign == 0 ? value : value.negate());
    }

    /** FLOAT_EXT: 31 bytes of "%.20e" text, NUL-padded, as strtod reads it. */
    private Object oldFloat(int at, int tag) {
        need(at, tag, 31, "the float text");
        int end = pos;
        while (end < pos + 31 && buf[end] != 0) {
            end++;
        }
        String text = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
        pos += 31;
        if (!isFloatText(text)) {
            throw fail(at, tag, "not a float: \"" + text + "\"");
        }
        double d = Double.parseDouble(text);
        if (!Double.isFinite(d) || (d == 0 && hasNonZeroMantissa(text))) {
            throw fail(at, tag, "out of the range of a float: " + text);
        }
        return d;
    }

    /** [+-]digits.digits([eE][+-]digits): what OTP's decoder accepts. */
    private static boolean isFloatText(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = i;
        while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
        }
        if (i == digits || i >= n || s.charAt(i) != '.') {
            return false;
        }
        digits = ++i;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == digits) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            digits = i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == digits) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean hasNonZeroMantissa(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 'e' || c == 'E') {
                return false;
            }
            if (c >= '1' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    private Object ref(ErlRef ref) {
        return pids == null ? ref : pids.fromTerm(ref);
    }

    private Object pidBody(int at, int tag) {
        Atom node = atom(at, tag, "the node");
        need(at, tag, tag == Ext.NEW_PID ? 12 : 9, "the id, serial and creation");
        long id = u32();
        long serial = u32();
        long creation = tag == Ext.NEW_PID ? u32() : oldCreation(at, tag);
        return new ErlPid(node, id, serial, creation);
    }

    private long oldCreation(int at, int tag) {
        int creation = buf[pos++] & 0xFF;
        if (creation > 3) {
            throw fail(at, tag, "an 8-bit creation has 2 significant bits, not " + creation);
        }
        return creation;
    }

    /** A SMALL_INTEGER_EXT or INTEGER_EXT inside another term's encoding. */
    private long smallInteger(int at, int tag, String what) {
        need(at, tag, 1, what);
        int t = buf[pos++] & 0xFF;
        if (t == Ext.SMALL_INTEGER) {
            need(at, tag, 1, what);
            return buf[pos++] & 0xFF;
        }
        if (t == Ext.INTEGER) {
            need(at, tag, 4, what);
            return i32();
        }
        throw fail(at, tag, what + " must be SMALL_INTEGER_EXT or INTEGER_EXT, found tag " + t + " at offset "
                + (pos - 1));
    }

    /** An atom inside another term's encoding (a node, module or function name). */
    private Atom atom(int at, int tag, String what) {
        if (pos >= limit) {
            throw fail(at, tag, "truncated: " + what + " is missing");
        }
        int atomAt = pos;
        int atomTag = buf[pos++] & 0xFF;
        switch (atomTag) {
            case Ext.ATOM, Ext.SMALL_ATOM, Ext.ATOM_UTF8, Ext.SMALL_ATOM_UTF8, Ext.ATOM_CACHE_REF -> {
                return atomBody(atomAt, atomTag);
            }
            default -> throw fail(at, tag, what + " must be an atom, found " + Ext.name(atomTag) + " (tag " + atomTag
                    + ") at offset " + atomAt);
        }
    }

    private Atom atomBody(int at, int tag) {
        if (tag == Ext.ATOM_CACHE_REF) {
            need(at, tag, 1, "the index");
            int i = buf[pos++] & 0xFF;
            Atom a = refs == null ? null : refs.atom(i);
            if (a == null) {
                throw fail(at, tag, refs == null ? "an atom cache reference outside a distribution header"
                        : "atom cache reference " + i + " is not in the distribution header");
            }
            refsUsed++;
            return a;
        }
        int n;
        if (tag == Ext.SMALL_ATOM || tag == Ext.SMALL_ATOM_UTF8) {
            need(at, tag, 1, "the length");
            n = buf[pos++] & 0xFF;
        } else {
            need(at, tag, 2, "the length");
            n = u16();
        }
        need(at, tag, n, "the text");
        boolean latin1 = tag == Ext.ATOM || tag == Ext.SMALL_ATOM;
        int off = pos;
        pos += n;
        int h = n;
        boolean ascii = true;
        for (int i = off; i < off + n; i++) {
            byte b = buf[i];
            ascii &= b >= 0;
            h = h * 31 + b;
        }
        if (ascii) {
            if (n > Atom.MAX_CHARACTERS) {
                throw fail(at, tag, "an atom of " + n + " characters (at most 255)");
            }
            int slot = (h ^ (h >>> 8)) & (ATOM_SLOTS - 1);
            byte[] key = atomKeys[slot];
            if (key != null && Arrays.equals(key, 0, key.length, buf, off, off + n)) {
                return atomSlots[slot];
            }
            Atom a = new Atom(new String(buf, off, n, StandardCharsets.ISO_8859_1));
            atomKeys[slot] = Arrays.copyOfRange(buf, off, off + n);
            atomSlots[slot] = a;
            return a;
        }
        String text = atomText(buf, off, n, latin1);
        if (text == null) {
            throw fail(at, tag, latin1 ? "an atom of " + n + " characters (at most 255)"
                    : "an atom that is not well-formed UTF-8 of at most 255 characters");
        }
        return new Atom(text);
    }

    /** The text of an atom's bytes, or null if they are not an atom's (bad UTF-8, over 255 characters). */
    static String atomText(byte[] b, int off, int n, boolean latin1) {
        if (latin1) {
            return n > Atom.MAX_CHARACTERS ? null : new String(b, off, n, StandardCharsets.ISO_8859_1);
        }
        if (n > 4 * Atom.MAX_CHARACTERS || !Terms.isValidUtf8(b, off, n)) {
            return null;
        }
        String text = new String(b, off, n, StandardCharsets.UTF_8);
        return text.codePointCount(0, text.length()) > Atom.MAX_CHARACTERS ? null : text;
    }

    // ---- funs

    /** The fixed part of a NEW_FUN_EXT, kept in its frame while the free variables are read. */
    private record FunHeader(int at, int end, int refsBefore, Atom module, int arity, byte[] uniq, long index,
            long oldIndex, long oldUniq, ErlPid pid) {
    }

    private Object funHeader(int at, int tag) {
        need(at, tag, 4, "the size");
        int sizeAt = pos;
        long size = u32();
        if (size < 29 || size > limit - sizeAt) {
            throw fail(at, tag, "a size of " + size + " bytes, but " + (limit - sizeAt) + " remain");
        }
        int end = sizeAt + (int) size;
        need(at, tag, 25, "the arity, uniq, index and free variable count");
        int arity = buf[pos++] & 0xFF;
        byte[] uniq = Arrays.copyOfRange(buf, pos, pos + 16);
        pos += 16;
        long index = u32();
        long numFree = u32();
        checkCount(at, tag, numFree, 1, 0);
        int refsBefore = refsUsed;
        Atom module = atom(at, tag, "the module");
        long oldIndex = smallInteger(at, tag, "OldIndex");
        long oldUniq = smallInteger(at, tag, "OldUniq");
        if (pos >= limit) {
            throw fail(at, tag, "truncated: the pid is missing");
        }
        int pidAt = pos;
        int pidTag = buf[pos++] & 0xFF;
        if (pidTag != Ext.NEW_PID && pidTag != Ext.PID) {
            throw fail(at, tag, "the creator must be a pid, found " + Ext.name(pidTag) + " (tag " + pidTag
                    + ") at offset " + pidAt);
        }
        ErlPid pid = (ErlPid) pidBody(pidAt, pidTag);
        FunHeader header = new FunHeader(at, end, refsBefore, module, arity, uniq, index, oldIndex, oldUniq, pid);
        if (numFree == 0) {
            return finishFun(header, new Object[0]);
        }
        push(at, tag, K_FUN, new Object[(int) numFree], numFree, header);
        return null;
    }

    private Object finishFun(FunHeader h, Object[] freeVars) {
        if (pos != h.end()) {
            throw fail(h.at(), Ext.NEW_FUN, "its size field says it ends at offset " + h.end()
                    + ", its contents end at " + pos);
        }
        byte[] encoded;
        if (refsUsed == h.refsBefore()) {
            encoded = Arrays.copyOfRange(buf, h.at(), pos);
        } else {
            // atoms came from the distribution header: make the encoding self-contained
            encoded = TermEncoder.closureBytes(h.module(), h.arity(), h.uniq(), h.index(), h.oldIndex(), h.oldUniq(),
                    h.pid(), freeVars);
        }
        return new ErlFun.Closure(h.module(), h.arity(), h.uniq(), h.index(), h.oldIndex(), h.oldUniq(), h.pid(),
                freeVars, encoded);
    }

    // ---- compressed

    private Object compressed() {
        int at = pos++;
        int tag = Ext.COMPRESSED;
        countTerms(at, tag, 1);
        need(at, tag, 4, "the uncompressed size");
        long declared = u32();
        if (declared > limits.maxDecompressedBytes()) {
            throw fail(at, tag, "inflates to " + declared + " bytes, above the limit of "
                    + limits.maxDecompressedBytes());
        }
        if (declared == 0) {
            throw fail(at, tag, "an uncompressed size of 0 (a term has at least one byte)");
        }
        int available = limit - pos;
        byte[] out = new byte[(int) Math.min(declared, Math.max(256L, 4L * available))];
        int produced = 0;
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(buf, pos, available);
            byte[] probe = new byte[1];
            while (!inflater.finished()) {
                long readBefore = inflater.getBytesRead();
                int n;
                if (produced < out.length) {
                    n = inflater.inflate(out, produced, out.length - produced);
                    produced += n;
                } else if (produced < declared) {
                    out = Arrays.copyOf(out, (int) Math.min(declared, 2L * out.length));
                    continue;
                } else {
                    // all declared bytes are out: only the end of the stream may follow
                    n = inflater.inflate(probe, 0, 1);
                    if (n > 0) {
                        throw fail(at, tag, "inflates to more than the " + declared + " bytes it declares");
                    }
                }
                if (n == 0 && inflater.getBytesRead() == readBefore && !inflater.finished()) {
                    throw fail(at, tag, inflater.needsDictionary() ? "the zlib stream needs a preset dictionary"
                            : "truncated: the zlib stream ends early");
                }
            }
            if (produced != declared) {
                throw fail(at, tag, "inflates to " + produced + " bytes, but declares " + declared);
            }
            pos += available - inflater.getRemaining();
        } catch (DataFormatException e) {
            throw new TermDecodeException(at, where(at) + "(COMPRESSED, tag 80): not a zlib stream: " + e.getMessage(),
                    e);
        } finally {
            inflater.end();
        }
        byte[] outer = buf;
        int outerPos = pos;
        int outerLimit = limit;
        buf = out;
        pos = 0;
        limit = produced;
        inflatedFrom = at;
        Object term = run();
        if (pos != produced) {
            throw new TermDecodeException(pos, where(pos) + (produced - pos)
                    + " inflated bytes follow the compressed term");
        }
        buf = outer;
        pos = outerPos;
        limit = outerLimit;
        inflatedFrom = -1;
        return term;
    }

    // ---- reading and checking

    private void countTerms(int at, int tag, long n) {
        terms += n;
        if (terms > limits.maxTerms()) {
            throw fail(at, tag, "more than the limit of " + limits.maxTerms() + " terms");
        }
    }

    /** Checks that {@code n} elements of at least {@code each} bytes, plus {@code extra}, can fit. */
    private void checkCount(int at, int tag, long n, int each, int extra) {
        long remaining = limit - pos;
        if (n * each + extra > remaining) {
            throw fail(at, tag, n + (each == 2 ? " entries" : " elements") + " declared, but only " + remaining
                    + " bytes remain");
        }
        if (terms + n * each > limits.maxTerms()) {
            throw fail(at, tag, n + " elements would pass the limit of " + limits.maxTerms() + " terms");
        }
    }

    private void need(int at, int tag, long n, String what) {
        if (n > limit - pos) {
            throw fail(at, tag, "truncated: " + what + " needs " + n + " bytes, " + (limit - pos) + " remain");
        }
    }

    private int u16() {
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    private int i32() {
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    private long u32() {
        return i32() & 0xFFFF_FFFFL;
    }

    private long i64() {
        long hi = u32();
        return (hi << 32) | u32();
    }

    private String where(int at) {
        return inflatedFrom < 0 ? "at offset " + at + " "
                : "at offset " + at + " of the inflated bytes of the compressed term at offset " + inflatedFrom + " ";
    }

    private TermDecodeException fail(int at, int tag, String problem) {
        return new TermDecodeException(at, where(at) + "(" + Ext.name(tag) + ", tag " + tag + "): " + problem);
    }
}
