package io.jarl.dist.term;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The codec on golden bytes made by {@code erl} (OTP 25.2.3, {@code term_to_binary(T,
 * [{minor_version, 2}])} unless marked), every tag, every size boundary, and deep nesting.
 */
@ExtendWith(NoLeakedProcesses.class)
class TermCodecTest {
    private static final Atom NONODE = Atom.of("nonode@nohost");

    private record Golden(String erlang, String hex, Object term) {
    }

    private static Golden golden(String erlang, String hex, Object term) {
        return new Golden(erlang, hex, term);
    }

    private static final List<Golden> GOLDEN = List.of(
            golden("42", "83612A", 42L),
            golden("-1", "8362FFFFFFFF", -1L),
            golden("2147483648", "836E040000000080", 2147483648L),
            golden("-(1 bsl 64)", "836E0901000000000000000001", BigInteger.ONE.shiftLeft(64).negate()),
            golden("1 bsl 2040", "836F00000100" + "00" + "00".repeat(255) + "01", BigInteger.ONE.shiftLeft(2040)),
            golden("1.5", "83463FF8000000000000", 1.5),
            golden("-0.0", "83468000000000000000", -0.0),
            golden("ping", "83770470696E67", Atom.of("ping")),
            golden("'héllo'", "83770668C3A96C6C6F", Atom.of("héllo")),
            golden("\"abc\"", "836B0003616263", ErlList.charlist("abc")),
            golden("[1|2]", "836C0000000161016102", ErlList.improper(List.of(1), 2)),
            golden("<<1,2,3>>", "836D00000003010203", Binary.of(new byte[] {1, 2, 3})),
            golden("<<1,2,3:5>>", "834D0000000305010218", Bitstring.of(new byte[] {1, 2, 3 << 3}, 21)),
            golden("{ok, 1}", "83680277026F6B6101", Tuple.of(Atom.OK, 1)),
            golden("#{a => 1}", "8374000000017701616101", ErlMap.of(Atom.of("a"), 1)),
            golden("[]", "836A", ErlList.NIL),
            golden("{}", "836800", Tuple.EMPTY),
            golden("#{}", "837400000000", ErlMap.EMPTY),
            golden("<<>>", "836D00000000", Binary.EMPTY),
            golden("[a, 1.0, <<\"x\">>]", "836C00000003770161463FF00000000000006D00000001786A",
                    ErlList.of(Atom.of("a"), 1.0, Binary.of("x"))),
            golden("fun lists:map/2", "837177056C6973747377036D61706102",
                    new ErlFun.Export(Atom.of("lists"), Atom.of("map"), 2)),
            golden("self()", "8358770D6E6F6E6F6465406E6F686F7374000000090000000000000000",
                    new ErlPid(NONODE, 9, 0, 0)),
            golden("make_ref()", "835A0003770D6E6F6E6F6465406E6F686F73740000000000002EC08A5C00012B07F3E4",
                    new ErlRef(NONODE, 0, 0x2EC0, 0x8A5C0001, 0x2B07F3E4)),
            golden("hd(erlang:ports())", "8359770D6E6F6E6F6465406E6F686F73740000000000000000",
                    new ErlPort(NONODE, 0, 0)),
            golden("list_to_atom(lists:duplicate(100, $é))", "8377C8" + "C3A9".repeat(100), Atom.of("é".repeat(100))),
            golden("list_to_atom(lists:duplicate(200, $é))", "837601 90" + "C3A9".repeat(200), Atom.of("é".repeat(200))));

    /** OTP 25's term_to_binary/1 and older nodes: decoded, never encoded. */
    private static final List<Golden> DECODE_ONLY = List.of(
            golden("'é' (ATOM_EXT)", "83640001E9", Atom.of("é")),
            golden("{ok, self()} (ATOM_EXT)", "8368026400026F6B5864000D6E6F6E6F6465406E6F686F7374000000090000000000000000",
                    Tuple.of(Atom.OK, new ErlPid(NONODE, 9, 0, 0))),
            golden("SMALL_ATOM_EXT", "837302E961", Atom.of("éa")),
            golden("1.5 (FLOAT_EXT)", "8363312E3530303030303030303030303030303030303030652B30300000000000", 1.5),
            golden("-0.1 (FLOAT_EXT)", "83632D312E3030303030303030303030303030303035353531652D303100000000", -0.1),
            golden("PID_EXT", "8367770161 00000001 00000002 03", new ErlPid(Atom.of("a"), 1, 2, 3)),
            golden("PORT_EXT", "8366770161 00000001 02", new ErlPort(Atom.of("a"), 1, 2)),
            golden("REFERENCE_EXT", "8365770161 00000001 02", new ErlRef(Atom.of("a"), 2, 1)),
            golden("NEW_REFERENCE_EXT", "83720003770161 01 00000001 00000002 00000003",
                    new ErlRef(Atom.of("a"), 1, 1, 2, 3)),
            golden("V4_PORT_EXT of a small id", "8378770161 0000000000000001 00000002", new ErlPort(Atom.of("a"), 1, 2)),
            golden("SMALL_BIG_EXT that fits", "836E01 00 05", 5L),
            golden("SMALL_BIG_EXT sign 2", "836E01 02 05", -5L),
            golden("SMALL_BIG_EXT of no digits", "836E00 01", 0L),
            golden("LARGE_BIG_EXT that fits", "836F00000002 01 0001", -256L),
            golden("INTEGER_EXT 1", "836200000001", 1L),
            golden("LARGE_TUPLE_EXT of 1", "836900000001 6A", Tuple.of(ErlList.NIL)),
            golden("[a|[b]] nested", "836C00000001 770161 6C00000001 770162 6A", ErlList.of(Atom.of("a"), Atom.of("b"))),
            golden("[1|\"ab\"]", "836C00000001 6101 6B00026162", ErlList.of(1, 97, 98)),
            golden("[1|[]++x]: a tail of no elements", "836C00000001 6101 6C00000000 770178",
                    ErlList.improper(List.of(1), Atom.of("x"))),
            golden("LIST_EXT of no elements", "836C00000000 6A", ErlList.NIL),
            golden("LIST_EXT of no elements and tail a", "836C00000000 770161", Atom.of("a")),
            golden("STRING_EXT of no bytes", "836B0000", ErlList.NIL),
            golden("BIT_BINARY_EXT of 8 bits", "834D00000001 08 FF", Binary.of(new byte[] {-1})),
            golden("BIT_BINARY_EXT with garbage bits", "834D00000001 03 FF", Bitstring.of(new byte[] {(byte) 0xE0}, 3)),
            golden("BIT_BINARY_EXT empty", "834D00000000 00", Binary.EMPTY),
            golden("EXPORT_EXT with INTEGER_EXT arity", "8371 77016D 770166 6200000002",
                    new ErlFun.Export(Atom.of("m"), Atom.of("f"), 2)),
            golden("compressed", "8350000002C2789CCB616060482967CD48CDC9C91FA546A92147650100E323018A",
                    ErlList.of(java.util.Collections.nCopies(100, Atom.of("hello")))));

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void goldenBytesFromErlangDecodeAndEncodeBack() {
        for (Golden g : GOLDEN) {
            assertThat(Terms.binaryToTerm(hex(g.hex()))).as(g.erlang()).isEqualTo(g.term());
            assertThat(HexFormat.of().withUpperCase().formatHex(Terms.termToBinary(g.term()))).as(g.erlang())
                    .isEqualTo(g.hex().replace(" ", ""));
        }
    }

    @Test
    void olderEncodingsDecodeToTheSameTerms() {
        for (Golden g : DECODE_ONLY) {
            assertThat(Terms.binaryToTerm(hex(g.hex()))).as(g.erlang()).isEqualTo(g.term());
        }
    }

    @Test
    void theSmallestIntegerEncodingIsChosen() {
        Object[][] cases = {
            {0L, "836100"}, {255L, "8361FF"}, {256L, "836200000100"}, {-1L, "8362FFFFFFFF"},
            {(long) Integer.MAX_VALUE, "83627FFFFFFF"}, {(long) Integer.MIN_VALUE, "836280000000"},
            {Integer.MAX_VALUE + 1L, "836E040000000080"}, {Integer.MIN_VALUE - 1L, "836E040101000080"},
            {Long.MAX_VALUE, "836E0800FFFFFFFFFFFFFF7F"}, {Long.MIN_VALUE, "836E08010000000000000080"},
            {BigInteger.ONE.shiftLeft(64), "836E0900000000000000000001"},
            {BigInteger.ONE.shiftLeft(2039), "836EFF00" + "00".repeat(254) + "80"},
        };
        for (Object[] c : cases) {
            byte[] bytes = Terms.termToBinary(c[0]);
            assertThat(HexFormat.of().withUpperCase().formatHex(bytes)).as(c[0].toString()).isEqualTo(c[1]);
            assertThat(Terms.binaryToTerm(bytes)).isEqualTo(c[0]);
        }
        assertThat(Terms.binaryToTerm(Terms.termToBinary(BigInteger.valueOf(7)))).isEqualTo(7L);
        assertThat(Terms.termToBinary(7)).isEqualTo(Terms.termToBinary(7L));
    }

    @Test
    void everyValueTypeRoundTrips() {
        Object[] values = {
            0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, BigInteger.TEN.pow(100), BigInteger.TEN.pow(1000).negate(),
            0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -1e-300, Atom.of(""), Atom.of("a".repeat(255)),
            Atom.of("\uD83D\uDE00".repeat(255)), Tuple.EMPTY, Tuple.of(ErlList.of(java.util.Collections.nCopies(70000, 1L))),
            Tuple.of(java.util.Collections.nCopies(300, Atom.OK).toArray()), ErlList.NIL, ErlList.of(256, 1),
            ErlList.charlist("日本"), ErlList.improper(List.of(Atom.of("alias")), new ErlRef(NONODE, 1, 1, 2, 3)),
            ErlList.improper(List.of(1, 2), ErlMap.EMPTY), Binary.EMPTY, Binary.of(new byte[1 << 20]),
            Bitstring.of(new byte[] {-1}, 1), Bitstring.of(new byte[] {1, 2, 3}, 23), ErlMap.EMPTY,
            ErlMap.of(1L, 1.0, 1.0, 1L, ErlMap.of(Atom.OK, ErlList.NIL), Binary.of("k")),
            new ErlPid(Atom.of("e1@vm"), 0xFFFF_FFFFL, 0xFFFF_FFFFL, 0xFFFF_FFFFL),
            new ErlRef(Atom.of("e1@vm"), 7, 1), new ErlRef(Atom.of("e1@vm"), 7, 1, 2, 3, 4, 5),
            new ErlPort(Atom.of("e1@vm"), 0xFFFF_FFFFL, 3), new ErlPort(Atom.of("e1@vm"), -1L, 3),
            new ErlFun.Export(Atom.of("erlang"), Atom.of("+"), 2), new ErlFun.Export(Atom.of("m"), Atom.of("f"), 255),
        };
        TermEncoder encoder = new TermEncoder();
        TermDecoder decoder = new TermDecoder();
        for (Object v : values) {
            byte[] bytes = encoder.encode(v);
            Object back = decoder.decode(bytes);
            assertThat(back).isEqualTo(v);
            assertThat(back.hashCode()).isEqualTo(v.hashCode());
            assertThat(encoder.encode(back)).isEqualTo(bytes);
        }
    }

    @Test
    void tagsAreChosenAsOtpChoosesThem() {
        assertThat(Terms.termToBinary(Atom.of("a".repeat(255)))[1]).isEqualTo((byte) 119);
        assertThat(Terms.termToBinary(Atom.of("é".repeat(128)))[1]).isEqualTo((byte) 118);
        assertThat(Terms.termToBinary(new ErlPort(NONODE, (1L << 28) - 1, 0))[1]).isEqualTo((byte) 89);
        assertThat(Terms.termToBinary(new ErlPort(NONODE, 1L << 28, 0))[1]).isEqualTo((byte) 120);
        assertThat(Terms.termToBinary(ErlList.of(java.util.Collections.nCopies(65535, 1L)))[1]).isEqualTo((byte) 107);
        assertThat(Terms.termToBinary(ErlList.of(java.util.Collections.nCopies(65536, 1L)))[1]).isEqualTo((byte) 108);
        assertThat(Terms.termToBinary(ErlList.of(1, 256))[1]).isEqualTo((byte) 108);
        assertThat(Terms.termToBinary(ErlList.improper(List.of(1), 2))[1]).isEqualTo((byte) 108);
        assertThat(new TermEncoder(TermEncoder.Options.DEFAULT.withStringExt(false)).encode(ErlList.of(1, 2)))
                .isEqualTo(hex("836C00000002 6101 6102 6A"));
        assertThat(Terms.termToBinary(Tuple.of(java.util.Collections.nCopies(255, 1L).toArray()))[1])
                .isEqualTo((byte) 104);
        assertThat(Terms.termToBinary(Tuple.of(java.util.Collections.nCopies(256, 1L).toArray()))[1])
                .isEqualTo((byte) 105);
    }

    @Test
    void aClosureReEncodesToTheBytesItCameAs() {
        // fun(X) -> {X, Y} end from erl (Y constant-folded: no free variables)
        byte[] noFree = hex("8370000000480126611D22F58E2C0FAEB37D83A01B50C000000000000000007706676F6C64656E61006201"
                + "3308E958770D6E6F6E6F6465406E6F686F7374000000090000000000000000");
        ErlFun.Closure fun = (ErlFun.Closure) Terms.binaryToTerm(noFree);
        assertThat(fun.module()).isEqualTo(Atom.of("golden"));
        assertThat(fun.arity()).isEqualTo(1);
        assertThat(fun.index()).isZero();
        assertThat(fun.oldUniq()).isEqualTo(0x013308E9L);
        assertThat(fun.pid()).isEqualTo(new ErlPid(NONODE, 9, 0, 0));
        assertThat(fun.freeVars()).isEmpty();
        assertThat(fun).hasToString("#Fun<golden.0.20121833>");
        assertThat(Terms.termToBinary(fun)).isEqualTo(noFree);

        // the same with two free variables, [1,2] and {a}, appended
        byte[] free = withFreeVars(noFree, hex("6B00020102"), hex("68017701 61"));
        ErlFun.Closure closure = (ErlFun.Closure) Terms.binaryToTerm(free);
        assertThat(closure.freeVars()).containsExactly(ErlList.of(1, 2), Tuple.of(Atom.of("a")));
        assertThat(Terms.termToBinary(closure)).isEqualTo(free);
        assertThat(Terms.termToBinary(Tuple.of(closure, closure))).isEqualTo(
                concat(hex("836802"), Arrays.copyOfRange(free, 1, free.length),
                        Arrays.copyOfRange(free, 1, free.length)));
        assertThat(closure).isEqualTo(Terms.binaryToTerm(free)).isNotEqualTo(fun);

        byte[] badSize = free.clone();
        badSize[5]--;
        assertThatThrownBy(() -> Terms.binaryToTerm(badSize)).isInstanceOf(TermDecodeException.class)
                .hasMessageContaining("(NEW_FUN_EXT, tag 112): its size field says it ends at offset");
    }

    static byte[] withFreeVars(byte[] fun, byte[]... vars) {
        byte[] out = concat(fun, vars);
        int size = out.length - 2;
        out[2] = (byte) (size >>> 24);
        out[3] = (byte) (size >>> 16);
        out[4] = (byte) (size >>> 8);
        out[5] = (byte) size;
        out[30] = (byte) vars.length; // NumFree's low byte
        return out;
    }

    static byte[] concat(byte[] first, byte[]... rest) {
        int n = first.length;
        for (byte[] r : rest) {
            n += r.length;
        }
        byte[] out = Arrays.copyOf(first, n);
        int at = first.length;
        for (byte[] r : rest) {
            System.arraycopy(r, 0, out, at, r.length);
            at += r.length;
        }
        return out;
    }

    @Test
    void aPassThroughFrameDecodesAsControlThenPayload() {
        // 112, 131 ctrl, 131 msg: {6, From, '', net_kernel} + {'$gen_call', ...}
        ErlPid from = new ErlPid(Atom.of("e1@vm"), 9, 0, 0x6b0128e9L);
        Object control = Tuple.of(6, from, Atom.of(""), Atom.of("net_kernel"));
        Object message = Tuple.of(Atom.of("$gen_call"), Tuple.of(from, ErlList.improper(List.of(Atom.of("alias")),
                new ErlRef(Atom.of("e1@vm"), 0x6b0128e9L, 1, 2, 3))), Tuple.of(Atom.of("is_auth"), Atom.of("e1@vm")));
        TermEncoder out = new TermEncoder();
        out.reset().writeByte(112).write(control).write(message);
        byte[] frame = out.toByteArray();
        TermDecoder decoder = new TermDecoder();
        TermDecoder.Decoded c = decoder.decode(frame, 1, frame.length);
        TermDecoder.Decoded m = decoder.decode(frame, c.end(), frame.length);
        assertThat(c.term()).isEqualTo(control);
        assertThat(m.term()).isEqualTo(message);
        assertThat(m.end()).isEqualTo(frame.length);
        assertThat(m.term()).hasToString("{'$gen_call',{<e1@vm.9.0>,[alias|#Ref<e1@vm.3.2.1>]},{is_auth,e1@vm}}");
    }

    @Test
    void theEncoderBufferStaysIntactWhenATermIsRefused() {
        TermEncoder out = new TermEncoder();
        out.write(Atom.OK);
        int size = out.size();
        assertThatThrownBy(() -> out.write(List.of(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an Erlang term: java.util.ImmutableCollections$List12");
        assertThatThrownBy(() -> out.writeBare(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Erlang floats are finite, not NaN");
        assertThatThrownBy(() -> out.write(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null is not an Erlang term");
        assertThat(out.size()).isEqualTo(size);
        out.writeBare(Atom.OK);
        assertThat(out.toByteArray()).isEqualTo(hex("8377026F6B 77026F6B"));
    }

    @Test
    void compressionIsUsedOnlyWhenItHelps() {
        TermEncoder compressing = new TermEncoder(TermEncoder.Options.DEFAULT.withCompression(6));
        assertThat(compressing.encode(Atom.OK)).isEqualTo(Terms.termToBinary(Atom.OK));
        Object repetitive = ErlList.of(java.util.Collections.nCopies(1000, Atom.of("hello")));
        byte[] compressed = compressing.encode(repetitive);
        assertThat(compressed[1]).isEqualTo((byte) 80);
        assertThat(compressed.length).isLessThan(Terms.termToBinary(repetitive).length / 10);
        assertThat(Terms.binaryToTerm(compressed)).isEqualTo(repetitive);
        assertThatThrownBy(() -> TermEncoder.Options.DEFAULT.withCompression(10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHundredThousandDeepListAndTupleDecode() {
        for (boolean tuple : new boolean[] {false, true}) {
            byte[] bytes = deepEncoding(100_000, tuple);
            Object term = Terms.binaryToTerm(bytes);
            assertThat(Arrays.equals(Terms.termToBinary(term), bytes)).isTrue();
            assertThat(term.equals(Terms.binaryToTerm(bytes))).isTrue();
            assertThat(term.hashCode()).isEqualTo(Terms.binaryToTerm(bytes).hashCode());
            String text = term.toString();
            assertThat(text.length()).isEqualTo(2 * 100_000 + 2);
            assertThat(text.indexOf("ok")).isEqualTo(100_000);
            assertThat(text.charAt(0)).isEqualTo(tuple ? '{' : '[');
            assertThat(text.charAt(text.length() - 1)).isEqualTo(tuple ? '}' : ']');
        }
    }

    @Test
    void aMillionDeepListDecodes() {
        byte[] bytes = deepEncoding(1_000_000, false);
        Object term = new TermDecoder().decode(bytes);
        int depth = 0;
        while (term instanceof ErlList l) {
            term = l.get(0);
            depth++;
        }
        assertThat(depth).isEqualTo(1_000_000);
        assertThat(term).isEqualTo(Atom.OK);
    }

    @Test
    void aLongChainOfListTailsStaysOneFlatList() {
        // [1|[2|[3|...]]] encoded as nested one-element LIST_EXTs, as a naive encoder would
        int n = 200_000;
        byte[] bytes = new byte[1 + n * 7 + 1];
        bytes[0] = (byte) 131;
        for (int i = 0; i < n; i++) {
            System.arraycopy(hex("6C00000001 6107"), 0, bytes, 1 + 7 * i, 7);
        }
        bytes[bytes.length - 1] = 106;
        ErlList list = (ErlList) Terms.binaryToTerm(bytes);
        assertThat(list.size()).isEqualTo(n);
        assertThat(list.isProper()).isTrue();
        assertThat(list.equals(ErlList.of(java.util.Collections.nCopies(n, 7L)))).isTrue();
    }

    /** [[[...[ok]...]]] or {{{...{ok}...}}}, {@code depth} levels, written directly. */
    static byte[] deepEncoding(int depth, boolean tuple) {
        int level = tuple ? 2 : 5;
        byte[] bytes = new byte[1 + depth * level + 4 + (tuple ? 0 : depth)];
        int pos = 0;
        bytes[pos++] = (byte) 131;
        for (int i = 0; i < depth; i++) {
            if (tuple) {
                bytes[pos++] = 104;
                bytes[pos++] = 1;
            } else {
                bytes[pos++] = 108;
                bytes[pos++] = 0;
                bytes[pos++] = 0;
                bytes[pos++] = 0;
                bytes[pos++] = 1;
            }
        }
        bytes[pos++] = 119;
        bytes[pos++] = 2;
        bytes[pos++] = 'o';
        bytes[pos++] = 'k';
        while (pos < bytes.length) {
            bytes[pos++] = 106;
        }
        return bytes;
    }
}
