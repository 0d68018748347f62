package io.jarl.dist.term;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every class of malformed or hostile input (the reference brief's sections 0 and 7, and OTP's
 * badarg cases) fails with a {@link TermDecodeException} that names the offset, the tag and the
 * problem.
 */
@ExtendWith(NoLeakedProcesses.class)
class MalformedInputTest {
    /** One malformed input, in hex, and a part of the message it must fail with. */
    record Case(String name, String hex, String message) {
    }

    static final List<Case> CASES = List.of(
            new Case("no bytes", "", "no bytes, expected the version byte 131"),
            new Case("another version", "8261 01", "version byte 130"),
            new Case("a pass-through tag first", "7083 6101", "version byte 112, expected 131 (a pass-through"),
            new Case("only the version", "83", "at offset 1 truncated: a term was expected"),
            new Case("list of 2^31-1 elements in 7 bytes", "836c 7fffffff 6a",
                    "at offset 1 (LIST_EXT, tag 108): 2147483647 elements declared, but only 1 bytes remain"),
            new Case("list of 2^32-1 elements", "836c ffffffff 6a", "4294967295 elements declared"),
            new Case("large tuple of 2^32-1 elements", "8369 ffffffff 6a6a",
                    "(LARGE_TUPLE_EXT, tag 105): 4294967295 elements declared, but only 2 bytes remain"),
            new Case("small tuple longer than the input", "8368 05 6a6a", "5 elements declared, but only 2"),
            new Case("map of 2^31 entries", "8374 80000000 6a6a6a6a",
                    "(MAP_EXT, tag 116): 2147483648 entries declared, but only 4 bytes remain"),
            new Case("map whose last value is missing", "8374 00000002 6101 6102 6103", "at offset 12 truncated: a term was expected"),
            new Case("binary of 4 GiB", "836d ffffffff 00",
                    "(BINARY_EXT, tag 109): truncated: the bytes needs 4294967295 bytes, 1 remain"),
            new Case("bitstring of 4 GiB", "834d ffffffff 08 00", "truncated: the bytes needs 4294967295"),
            new Case("bitstring with 0 bits in its last byte", "834d 00000001 00 ff", "0 bits used in the last of 1"),
            new Case("bitstring with 9 bits in a byte", "834d 00000001 09 ff", "9 bits used"),
            new Case("empty bitstring with 8 bits", "834d 00000000 08", "8 bits used in the last of 0"),
            new Case("string longer than the input", "836b ffff 41", "(STRING_EXT, tag 107): truncated"),
            new Case("bignum of 4 GiB", "836f ffffffff 00 01",
                    "(LARGE_BIG_EXT, tag 111): an integer of 4294967295 bytes, above the limit of 65536"),
            new Case("bignum cut short", "836e 08 00 0102", "truncated: the digits needs 8 bytes, 2 remain"),
            new Case("integer cut short", "8362 0000", "(INTEGER_EXT, tag 98): truncated"),
            new Case("NaN", "8346 7ff8000000000000", "(NEW_FLOAT_EXT, tag 70): not a finite float: NaN"),
            new Case("infinity", "8346 7ff0000000000000", "not a finite float: Infinity"),
            new Case("FLOAT_EXT that is not a number", "8363 " + "31" + "2e35" + "78" + "00".repeat(27),
                    "(FLOAT_EXT, tag 99): not a float: \"1.5x\""),
            new Case("FLOAT_EXT without a fraction", "8363 " + "35" + "00".repeat(30), "not a float: \"5\""),
            new Case("FLOAT_EXT out of range", "8363 " + "312e30653430300" + "0".repeat(47),
                    "out of the range of a float: 1.0e400"),
            new Case("ATOM_EXT of 256 characters", "8364 0100 " + "61".repeat(256),
                    "(ATOM_EXT, tag 100): an atom of 256 characters (at most 255)"),
            new Case("UTF-8 atom of 256 characters", "8376 0100 " + "61".repeat(256), "an atom of 256 characters"),
            new Case("UTF-8 atom of 256 two-byte characters", "8376 0200 " + "c3a9".repeat(256),
                    "not well-formed UTF-8 of at most 255 characters"),
            new Case("atom that is not UTF-8", "8377 02 c328", "(SMALL_ATOM_UTF8_EXT, tag 119): an atom that is not"),
            new Case("atom with an overlong encoding", "8377 02 c080", "not well-formed UTF-8"),
            new Case("atom with an encoded surrogate", "8377 03 eda080", "not well-formed UTF-8"),
            new Case("atom with a Latin-1 byte as UTF-8", "8377 01 e9", "not well-formed UTF-8"),
            new Case("atom longer than the input", "8377 05 6162", "truncated: the text needs 5 bytes, 2 remain"),
            new Case("map with a key twice", "8374 00000002 6101 6102 6101 6103",
                    "at offset 1 (MAP_EXT, tag 116): a key occurs twice in the map"),
            new Case("map with a deep key twice", "8374 00000002 6c00000001 6104 6a 6101 6b0001 04 6102",
                    "a key occurs twice"),
            new Case("pid whose node is an integer", "8358 6101 00000001 00000000 00000005",
                    "(NEW_PID_EXT, tag 88): the node must be an atom, found SMALL_INTEGER_EXT (tag 97) at offset 2"),
            new Case("pid whose node is []", "8358 6a 00000001 00000000 00000005", "found NIL_EXT"),
            new Case("old pid with creation 7", "8367 770161 00000001 00000000 07",
                    "(PID_EXT, tag 103): an 8-bit creation has 2 significant bits, not 7"),
            new Case("pid cut short", "8358 770161 00000001", "truncated: the id, serial and creation needs 12"),
            new Case("reference of 6 words", "835a 0006 770161 00000005" + "00000000".repeat(6),
                    "(NEWER_REFERENCE_EXT, tag 90): 6 id words (1 to 5 allowed)"),
            new Case("reference of no words, then more", "8368 02 5a0000 770161 00000005 6101",
                    "(NEWER_REFERENCE_EXT, tag 90): 0 id words (1 to 5 allowed)"),
            new Case("NEW_REFERENCE_EXT of no words", "8372 0000 770161 01", "0 id words (1 to 5 allowed)"),
            new Case("NEW_REFERENCE_EXT first word over 18 bits", "8372 0003 770161 01 ffffffff 00000000 00000000",
                    "the first id word has only 18 significant bits"),
            new Case("REFERENCE_EXT id over 18 bits", "8365 770161 ffffffff 01", "the id has only 18 significant bits"),
            new Case("old port with creation 4", "8366 770161 00000001 04", "(PORT_EXT, tag 102): an 8-bit creation"),
            new Case("export whose module is a binary", "8371 6d00000001 61 770166 6101",
                    "(EXPORT_EXT, tag 113): the module must be an atom"),
            new Case("export with a negative arity", "8371 77016d 770166 62ffffffff", "arity -1 (0 to 255)"),
            new Case("export with a float arity", "8371 77016d 770166 46 3ff0000000000000",
                    "the arity must be SMALL_INTEGER_EXT or INTEGER_EXT"),
            new Case("a fun cut short", "8370 0000004a 00", "(NEW_FUN_EXT, tag 112): a size of 74 bytes, but 5"),
            new Case("unknown tag 0", "8300", "at offset 1 (unknown tag, tag 0): not a term tag"),
            new Case("unknown tag 255", "83ff", "(unknown tag, tag 255): not a term tag"),
            new Case("LOCAL_EXT", "8379 0000", "(LOCAL_EXT, tag 121): a term in a node-local format"),
            new Case("FUN_EXT", "8375 00000000", "(FUN_EXT, tag 117): the fun encoding OTP removed in OTP 23"),
            new Case("atom cache reference without a header", "8352 00",
                    "(ATOM_CACHE_REF, tag 82): an atom cache reference outside a distribution header"),
            new Case("a version byte inside a term", "8368 01 83 6101", "(VERSION_MAGIC, tag 131): a version byte inside"),
            new Case("a compressed term inside a term", "8368 01 50 00000001 00",
                    "(COMPRESSED, tag 80): a compressed term may only follow the version byte"),
            new Case("a distribution header where a term is", "8344 00", "(DIST_HEADER, tag 68): a distribution header"),
            new Case("a list without its tail", "836c 00000001 6101", "at offset 1 (LIST_EXT, tag 108): truncated: the"
                    + " list's tail is missing"),
            new Case("compressed, declaring 4 GiB", "8350 ffffffff 789c03000000000001",
                    "(COMPRESSED, tag 80): inflates to 4294967295 bytes, above the limit of 67108864"),
            new Case("compressed, declaring nothing", "8350 00000000 789c03000000000001", "an uncompressed size of 0"),
            new Case("compressed, not zlib", "8350 00000002 0102030405", "not a zlib stream"),
            new Case("compressed, declaring more than it holds", "8350 00000003 " + zlib("6101"),
                    "inflates to 2 bytes, but declares 3"),
            new Case("compressed, declaring less than it holds", "8350 00000001 " + zlib("6101"),
                    "inflates to more than the 1 bytes it declares"),
            new Case("compressed, cut short", "8350 00000002 " + zlib("6101").substring(0, 8), "ends early"),
            new Case("compressed, an improper term inside", "8350 00000002 " + zlib("6d01"),
                    "at offset 0 of the inflated bytes of the compressed term at offset 1 (BINARY_EXT, tag 109)"),
            new Case("compressed twice", "8350 00000006 " + zlib("500000000100"),
                    "(COMPRESSED, tag 80): a compressed term may only follow the version byte"));

    /** Inputs refused by Jarl only, being stricter than OTP 25 (documented in TermDecoder). */
    static final List<Case> STRICTER_THAN_ERLANG = List.of(
            new Case("trailing bytes", "8361 01 00", "at offset 3: 1 bytes follow the term"),
            new Case("compressed, then trailing bytes", "8350 00000002 " + zlib("6101") + "00", "1 bytes follow the term"),
            new Case("export with arity 256", "8371 77016d 770166 6200000100", "arity 256 (0 to 255)"),
            new Case("an atom by its index in a node's atom table", "834b 0001",
                    "(ATOM_INTERNAL_REF3, tag 75): an encoding internal to one Erlang node"),
            new Case("a reference of no words, last", "835a0000 770161 00000005", "0 id words (1 to 5 allowed)"));

    static final List<String> REFUSED_BY_ERLANG = CASES.stream().map(Case::hex).map(h -> h.replace(" ", "")).toList();

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String zlib(String hex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(6))) {
            z.write(hex(hex));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return HexFormat.of().formatHex(out.toByteArray());
    }

    private static byte[] bytes(Case c) {
        return hex(c.hex().replace(" ", ""));
    }

    @Test
    void everyMalformedInputFailsWithAPreciseMessage() {
        for (Case c : CASES) {
            assertThatThrownBy(() -> new TermDecoder().decode(bytes(c))).as(c.name())
                    .isInstanceOf(TermDecodeException.class).hasMessageContaining(c.message());
        }
    }

    @Test
    void whereJarlIsStricterThanErlangItSaysWhy() {
        for (Case c : STRICTER_THAN_ERLANG) {
            assertThatThrownBy(() -> new TermDecoder().decode(bytes(c))).as(c.name())
                    .isInstanceOf(TermDecodeException.class).hasMessageContaining(c.message());
        }
        // reading terms one after another is what decode(bytes, offset, limit) is for
        byte[] two = hex("83610183 6102");
        TermDecoder decoder = new TermDecoder();
        TermDecoder.Decoded first = decoder.decode(two, 0, two.length);
        assertThat(first).isEqualTo(new TermDecoder.Decoded(1L, 3));
        assertThat(decoder.decode(two, first.end(), two.length)).isEqualTo(new TermDecoder.Decoded(2L, 6));
    }

    @Test
    void theOffsetOfTheFailureIsReported() {
        TermDecodeException e = org.junit.jupiter.api.Assertions.assertThrows(TermDecodeException.class,
                () -> new TermDecoder().decode(hex("8368 03 6101 6a 74ffffffff")));
        assertThat(e.offset()).isEqualTo(6);
        assertThat(e.getMessage()).startsWith("at offset 6 (MAP_EXT, tag 116): 4294967295 entries declared");
    }

    @Test
    void aForgedLengthIsRefusedWithoutAllocating() {
        byte[][] inputs = {
            hex("836c80000000 6a6a6a6a6a"), // list of 2^31 in 10 bytes
            hex("836980000000 6a6a6a6a6a"),
            hex("837480000000 6a6a6a6a6a"),
            hex("836d80000000 6a6a6a6a6a"),
            hex("836f80000000 006a6a6a6a"),
            hex("8350 7fffffff 789c6a6a"),
        };
        TermDecoder decoder = new TermDecoder();
        for (byte[] input : inputs) {
            assertThatThrownBy(() -> decoder.decode(input)).isInstanceOf(TermDecodeException.class);
        }
        long before = allocatedBytes();
        for (int i = 0; i < 100; i++) {
            for (byte[] input : inputs) {
                try {
                    decoder.decode(input);
                } catch (TermDecodeException expected) {
                    // counted below
                }
            }
        }
        long perInput = (allocatedBytes() - before) / (100 * inputs.length);
        assertThat(perInput).as("bytes allocated per forged input (the exception and its message)")
                .isLessThan(8 * 1024);
    }

    @Test
    void aZipBombStopsAtTheLimit() throws Exception {
        // 64 MiB of zeros compress to about 64 KiB; the default limit allows it, a 1 MiB limit does not
        byte[] zeros = new byte[(64 << 20) - 5]; // a binary of exactly 64 MiB with its header
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 131, 80});
        int size = 5 + zeros.length;
        out.write(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(9))) {
            z.write(new byte[] {109, (byte) (zeros.length >>> 24), (byte) (zeros.length >>> 16),
                (byte) (zeros.length >>> 8), (byte) zeros.length});
            z.write(zeros);
        }
        byte[] bomb = out.toByteArray();
        assertThat(bomb.length).isLessThan(200_000);
        TermDecoder strict = new TermDecoder(DecodeLimits.DEFAULT.withMaxDecompressedBytes(1 << 20));
        assertThatThrownBy(() -> strict.decode(bomb)).isInstanceOf(TermDecodeException.class)
                .hasMessageContaining("inflates to 67108864 bytes, above the limit of 1048576");

        // a bomb that lies about its size is stopped once it passes what it declared
        byte[] liar = bomb.clone();
        liar[2] = 0;
        liar[3] = 0x10; // declares 1 MiB + 5 bytes
        liar[4] = 0;
        liar[5] = 5;
        long before = allocatedBytes();
        assertThatThrownBy(() -> new TermDecoder().decode(liar)).isInstanceOf(TermDecodeException.class)
                .hasMessageContaining("inflates to more than the 1048581 bytes it declares");
        long allocated = allocatedBytes() - before;
        assertThat(allocated).isLessThan(8L << 20);

        // within the limit it decodes
        Object decoded = new TermDecoder().decode(bomb);
        assertThat(((Binary) decoded).size()).isEqualTo(zeros.length);
    }

    @Test
    void everyTruncationOfAValidTermFails() {
        RandomTerms random = new RandomTerms(5, true, false);
        TermEncoder encoder = new TermEncoder();
        TermDecoder decoder = new TermDecoder();
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            byte[] full = encoder.encode(random.term(3));
            for (int n = 0; n < full.length; n++) {
                byte[] prefix = Arrays.copyOf(full, n);
                assertThatThrownBy(() -> decoder.decode(prefix)).isInstanceOf(TermDecodeException.class);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10_000);
    }

    @Test
    void limitsAreEnforced() {
        byte[] deep = new TermEncoder().encode(nest(100));
        assertThat(new TermDecoder(DecodeLimits.DEFAULT.withMaxDepth(100)).decode(deep)).isEqualTo(nest(100));
        assertThatThrownBy(() -> new TermDecoder(DecodeLimits.DEFAULT.withMaxDepth(99)).decode(deep))
                .isInstanceOf(TermDecodeException.class).hasMessageContaining("nesting deeper than the limit of 99");

        byte[] list = new TermEncoder(TermEncoder.Options.DEFAULT.withStringExt(false)).encode(ErlList.of(1, 2, 3, 4));
        assertThat(new TermDecoder(DecodeLimits.DEFAULT.withMaxTerms(6)).decode(list)).isEqualTo(ErlList.of(1, 2, 3, 4));
        assertThatThrownBy(() -> new TermDecoder(DecodeLimits.DEFAULT.withMaxTerms(5)).decode(list))
                .isInstanceOf(TermDecodeException.class).hasMessageContaining("limit of 5 terms");

        byte[] big = new TermEncoder().encode(java.math.BigInteger.ONE.shiftLeft(800));
        assertThat(new TermDecoder(DecodeLimits.DEFAULT.withMaxBigDigits(101)).decode(big))
                .isEqualTo(java.math.BigInteger.ONE.shiftLeft(800));
        assertThatThrownBy(() -> new TermDecoder(DecodeLimits.DEFAULT.withMaxBigDigits(100)).decode(big))
                .isInstanceOf(TermDecodeException.class)
                .hasMessageContaining("(SMALL_BIG_EXT, tag 110): an integer of 101 bytes, above the limit of 100");
    }

    @Test
    void aDecoderIsReusableAfterAFailure() {
        TermDecoder decoder = new TermDecoder();
        for (Case c : CASES) {
            assertThatThrownBy(() -> decoder.decode(bytes(c))).isInstanceOf(TermDecodeException.class);
            assertThat(decoder.decode(hex("8368026101 6c00000001 6102 6103"))).as(c.name())
                    .isEqualTo(Tuple.of(1, ErlList.improper(List.of(2), 3L)));
        }
    }

    /**
     * The bytes this thread has allocated (com.sun.management.ThreadMXBean, reached reflectively:
     * the module io.jarl.dist does not read java.management).
     */
    static long allocatedBytes() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                    .invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                    .invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object nest(int depth) {
        Object t = ErlList.NIL;
        for (int i = 0; i < depth; i++) {
            t = Tuple.of(t);
        }
        return t;
    }
}
