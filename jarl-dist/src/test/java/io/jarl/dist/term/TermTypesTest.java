package io.jarl.dist.term;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The term types: Erlang's exact equality, printing as Erlang prints, and their invariants. */
@ExtendWith(NoLeakedProcesses.class)
class TermTypesTest {
    @Test
    void equalityIsErlangsExactEquality() {
        assertThat(Tuple.of(1)).isNotEqualTo(Tuple.of(1.0));
        assertThat(Tuple.of(1)).isEqualTo(Tuple.of(1L)).isEqualTo(Tuple.of(BigInteger.ONE));
        assertThat(ErlMap.of(1, Atom.of("a"), 1.0, Atom.of("b")).size()).isEqualTo(2);
        assertThat(ErlMap.of(Atom.of("a"), 1, Atom.of("b"), 2)).isEqualTo(ErlMap.of(Atom.of("b"), 2, Atom.of("a"), 1))
                .hasSameHashCodeAs(ErlMap.of(Atom.of("b"), 2, Atom.of("a"), 1));
        assertThat(ErlMap.of(Atom.of("a"), 1)).isNotEqualTo(ErlMap.of(Atom.of("a"), 2));
        assertThat(Tuple.of(0.0)).isNotEqualTo(Tuple.of(-0.0)); // as in OTP 27
        assertThat(ErlList.of(1, 2)).isNotEqualTo(ErlList.improper(List.of(1), 2L));
        assertThat(Binary.of("ab")).isNotEqualTo(ErlList.charlist("ab"));
    }

    @Test
    void mapsWithKeysOfEqualHashesCompareCorrectly() {
        // Long.hashCode(0) == Long.hashCode(2^32 + 1) == 0
        long collides = (1L << 32) + 1;
        assertThat(Long.hashCode(collides)).isEqualTo(Long.hashCode(0));
        ErlMap a = ErlMap.of(0, Atom.of("x"), collides, Atom.of("y"), Tuple.of(0), 1);
        ErlMap b = ErlMap.of(Tuple.of(0), 1, collides, Atom.of("y"), 0, Atom.of("x"));
        ErlMap c = ErlMap.of(Tuple.of(0), 1, collides, Atom.of("x"), 0, Atom.of("y"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
        assertThat(a.get(collides)).isEqualTo(Atom.of("y"));
        assertThat(a.get(0)).isEqualTo(Atom.of("x"));
        // nested maps as keys, many entries (indexed lookup)
        Object[] kv = new Object[200];
        for (int i = 0; i < 100; i++) {
            kv[2 * i] = ErlMap.of(i, ErlMap.of(Atom.of("k"), i));
            kv[2 * i + 1] = i;
        }
        ErlMap big = ErlMap.of(kv);
        assertThat(big.get(ErlMap.of(42, ErlMap.of(Atom.of("k"), 42)))).isEqualTo(42L);
        Object[] reversed = new Object[200];
        for (int i = 0; i < 100; i++) {
            reversed[2 * i] = kv[198 - 2 * i];
            reversed[2 * i + 1] = kv[199 - 2 * i];
        }
        assertThat(ErlMap.of(reversed)).isEqualTo(big).hasSameHashCodeAs(big);
        assertThatThrownBy(() -> ErlMap.of(1, 2, 1L, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a key is given twice");
    }

    @Test
    void aMapIsReadableAsAJavaMap() {
        Map<Object, Object> source = new LinkedHashMap<>();
        source.put(Atom.of("name"), Binary.of("Bob"));
        source.put(Atom.of("age"), 42);
        ErlMap map = ErlMap.from(source);
        assertThat(map.asMap()).containsEntry(Atom.of("age"), 42L).hasSize(2);
        assertThat(map.get(42)).isNull();
        assertThat(map.get("not a term")).isNull();
        assertThat(map.containsKey(Atom.of("name"))).isTrue();
        assertThat(map).hasToString("#{name => <<\"Bob\">>,age => 42}");
    }

    @Test
    void listsAreStoredFlat() {
        assertThat(ErlList.improper(List.of(1), ErlList.of(2, 3))).isEqualTo(ErlList.of(1, 2, 3));
        ErlList improper = ErlList.improper(List.of(1), ErlList.improper(List.of(2), Atom.of("t")));
        assertThat(improper.elements()).containsExactly(1L, 2L);
        assertThat(improper.tail()).isEqualTo(Atom.of("t"));
        assertThat(improper.isProper()).isFalse();
        assertThat(improper).hasToString("[1,2|t]");
        assertThat(ErlList.NIL.isProper()).isTrue();
        assertThat(ErlList.NIL.tail()).isSameAs(ErlList.NIL);
        assertThat(ErlList.of()).isSameAs(ErlList.NIL);
        assertThatThrownBy(() -> ErlList.improper(List.of(), Atom.OK)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringsAreBinariesOrCharlists() {
        assertThat(Terms.string(Binary.of("héllo"))).isEqualTo("héllo");
        assertThat(Terms.string(ErlList.charlist("héllo \uD83D\uDE00"))).isEqualTo("héllo \uD83D\uDE00");
        assertThat(ErlList.charlist("hé").elements()).containsExactly(104L, 233L);
        assertThat(Terms.string(ErlList.NIL)).isEmpty();
        assertThatThrownBy(() -> Terms.string(ErlList.of(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1 is not a Unicode code point");
        assertThatThrownBy(() -> Terms.string(Binary.of(new byte[] {(byte) 0xFF})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> Terms.string(Atom.OK)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Binary.of(new byte[] {(byte) 0xC3, (byte) 0xA9}).isValidUtf8()).isTrue();
        assertThat(Binary.of(new byte[] {(byte) 0xE9}).isValidUtf8()).isFalse();
    }

    @Test
    void bitstringsKeepOnlyTheirBits() {
        Term bits = Bitstring.of(new byte[] {(byte) 0xFF}, 3);
        assertThat(bits).isEqualTo(Bitstring.of(new byte[] {(byte) 0xE0}, 3)).hasToString("<<7:3>>");
        assertThat(((Bitstring) bits).bitSize()).isEqualTo(3);
        assertThat(Bitstring.of(new byte[] {1, 2}, 16)).isEqualTo(Binary.of(new byte[] {1, 2}));
        assertThat(Bitstring.of(new byte[] {1, 2}, 0)).isSameAs(Binary.EMPTY);
        assertThat(Bitstring.of(new byte[] {1, 2, 3 << 3}, 21)).hasToString("<<1,2,3:5>>");
        assertThatThrownBy(() -> Bitstring.of(new byte[1], 9)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void binariesAreImmutable() {
        byte[] bytes = {1, 2, 3};
        Binary b = Binary.of(bytes);
        bytes[0] = 9;
        b.toByteArray()[1] = 9;
        assertThat(b.toByteArray()).containsExactly(1, 2, 3);
        assertThat(b.asReadOnlyBuffer().isReadOnly()).isTrue();
        assertThat(Binary.of(bytes, 1, 2).toByteArray()).containsExactly(2, 3);
    }

    @Test
    void termsPrintAsErlangPrintsThem() {
        assertThat(Atom.of("ok")).hasToString("ok");
        assertThat(Atom.of("Ok")).hasToString("'Ok'");
        assertThat(Atom.of("hello world")).hasToString("'hello world'");
        assertThat(Atom.of("and")).hasToString("'and'");
        assertThat(Atom.of("")).hasToString("''");
        assertThat(Atom.of("it's")).hasToString("'it\\'s'");
        assertThat(Atom.of("e1@vm")).hasToString("e1@vm");
        assertThat(Atom.of("ñandu")).hasToString("ñandu");
        assertThat(Atom.of("\uD83D\uDE00")).hasToString("'\uD83D\uDE00'");
        assertThat(Tuple.of(Atom.OK, 42, 1.5, ErlList.charlist("abc"), Binary.of("x"))).hasToString(
                "{ok,42,1.5,\"abc\",<<\"x\">>}");
        assertThat(ErlList.of(1, 1234)).hasToString("[1,1234]");
        assertThat(Binary.of("é")).hasToString("<<\"é\"/utf8>>");
        assertThat(Binary.of(new byte[] {(byte) 233})).hasToString("<<\"é\">>");
        assertThat(Binary.of(new byte[] {1, 2})).hasToString("<<1,2>>");
        assertThat(new ErlPid(Atom.of("e1@vm"), 85, 0, 1)).hasToString("<e1@vm.85.0>");
        assertThat(new ErlRef(Atom.of("e1@vm"), 1, 3, 2, 1)).hasToString("#Ref<e1@vm.1.2.3>");
        assertThat(new ErlPort(Atom.of("e1@vm"), -1, 1)).hasToString("#Port<e1@vm.18446744073709551615>");
        assertThat(new ErlFun.Export(Atom.of("erlang"), Atom.of("+"), 2)).hasToString("fun erlang:'+'/2");
        assertThat(Terms.format(1.0e10)).isEqualTo("1.0e10");
        assertThat(Terms.format(0.0001)).isEqualTo("0.0001");
        assertThat(Terms.format(1.0e-5)).isEqualTo("1.0e-5");
        assertThat(Terms.format(100.0)).isEqualTo("100.0");
        assertThat(Terms.format(-0.0)).isEqualTo("-0.0");
        assertThat(Terms.format(12345678901234567.0)).isEqualTo("1.2345678901234568e16");
        assertThat(Terms.format(BigInteger.TWO.pow(70))).isEqualTo("1180591620717411303424");
    }

    @Test
    void atomsFollowTheBeamsLimits() {
        assertThat(Atom.of("é".repeat(255)).name()).hasSize(255);
        assertThat(Atom.of("\uD83D\uDE00".repeat(255)).name()).hasSize(510);
        assertThatThrownBy(() -> Atom.of("a".repeat(256))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("255");
        assertThatThrownBy(() -> Atom.of("\uD83D")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThat(Atom.of(true)).isSameAs(Atom.TRUE);
    }

    @Test
    void containersHoldOnlyTerms() {
        assertThat(Tuple.of((short) 1, (byte) 2, 3, 4.0f).elements()).containsExactly(1L, 2L, 3L, 4.0);
        assertThatThrownBy(() -> Tuple.of("text")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an Erlang term: java.lang.String (TermMapper converts");
        assertThatThrownBy(() -> ErlList.of(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> ErlMap.of(Atom.OK, null)).isInstanceOf(NullPointerException.class);
        assertThat(Terms.isTerm(1)).isFalse();
        assertThat(Terms.isTerm(1L)).isTrue();
        assertThat(Terms.isTerm(BigInteger.ONE)).isFalse();
        assertThat(Terms.requireTerm(BigInteger.ONE)).isEqualTo(1L);
        assertThat(Tuple.of(Atom.OK, 1).isTagged(Atom.OK, 2)).isTrue();
        assertThat(Tuple.of(Atom.OK, 1).isTagged(Atom.OK, 3)).isFalse();
    }

    @Test
    void deepTermsCompareHashAndPrintWithoutRecursion() {
        Object a = ErlList.NIL;
        Object b = ErlList.NIL;
        for (int i = 0; i < 1_000_000; i++) {
            a = new ErlList(new Object[] {a, (long) (i % 3)}, ErlList.NIL);
            b = new ErlList(new Object[] {b, (long) (i % 3)}, ErlList.NIL);
        }
        assertThat(a.equals(b)).isTrue();
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a.toString().length()).isEqualTo(b.toString().length());
        assertThat(a.toString().startsWith("[[[[")).isTrue();
        Object c = new ErlList(new Object[] {((ErlList) b).get(0), 7L}, ErlList.NIL);
        assertThat(a.equals(c)).isFalse();

        Object m1 = Atom.OK;
        Object m2 = Atom.OK;
        for (int i = 0; i < 100_000; i++) {
            m1 = ErlMap.of(m1, i, Atom.of("x"), Tuple.of(i));
            m2 = ErlMap.of(Atom.of("x"), Tuple.of(i), m2, i);
        }
        assertThat(m1.equals(m2)).isTrue();
        assertThat(m1.hashCode()).isEqualTo(m2.hashCode());
        assertThat(Terms.binaryToTerm(Terms.termToBinary(m1)).equals(m2)).isTrue();
    }
}
