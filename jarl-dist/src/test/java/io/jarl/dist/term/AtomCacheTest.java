package io.jarl.dist.term;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Distribution headers' atom cache (erl_ext_dist.md "Distribution Header") and terms that use it. */
@ExtendWith(NoLeakedProcesses.class)
class AtomCacheTest {
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** The fragmented message of the OTP documentation's example, first fragment, up to the payload. */
    private static final byte[] DOC_EXAMPLE = bytes(
            131, 69, 0, 0, 2, 168, 0, 0, 5, 83, 0, 0, 0, 0, 0, 0, 0, 2,
            5, 4, 137, 9, 10, 5, 236, 3, 114, 101, 103, 9, 4, 99, 97, 108, 108,
            238, 13, 115, 101, 116, 95, 103, 101, 116, 95, 115, 116, 97, 116, 101,
            104, 4, 97, 6, 103, 82, 0, 0, 0, 0, 85, 0, 0, 0, 0, 2, 82, 1, 82, 2,
            104, 3, 82, 3, 103, 82, 0, 0, 0, 0, 245, 0, 0, 0, 2, 2,
            104, 2, 82, 4, 109, 0, 0, 0, 4, 0, 0, 0, 0);

    @Test
    void theDocumentationsExampleDecodes() {
        AtomCache cache = new AtomCache(true);
        // an earlier header filled segment 4 entry 10 and segment 0 entry 5
        byte[] earlier = bytes(2, 0x8C, 0x00, 10, 6, 'a', '@', 'h', 'o', 's', 't', 5, 0);
        AtomCache.Header first = cache.readHeader(earlier, 0, earlier.length);
        assertThat(first.end()).isEqualTo(earlier.length);
        assertThat(first.refs().atom(0)).isEqualTo(Atom.of("a@host"));
        assertThat(first.refs().atom(1)).isEqualTo(Atom.of(""));
        assertThat(first.refs().atom(2)).isNull();

        AtomCache.Header header = cache.readHeader(DOC_EXAMPLE, 18, DOC_EXAMPLE.length);
        assertThat(header.refs().atom(0)).isEqualTo(Atom.of("a@host"));
        assertThat(header.refs().atom(2)).isEqualTo(Atom.of("reg"));
        assertThat(header.refs().atom(3)).isEqualTo(Atom.of("call"));
        assertThat(header.refs().atom(4)).isEqualTo(Atom.of("set_get_state"));

        TermDecoder decoder = new TermDecoder();
        TermDecoder.Decoded control = decoder.decodeBare(DOC_EXAMPLE, header.end(), DOC_EXAMPLE.length, header.refs());
        ErlPid from = new ErlPid(Atom.of("a@host"), 85, 0, 2);
        assertThat(control.term()).isEqualTo(Tuple.of(6, from, Atom.of(""), Atom.of("reg")));
        TermDecoder.Decoded message = decoder.decodeBare(DOC_EXAMPLE, control.end(), DOC_EXAMPLE.length,
                header.refs());
        assertThat(message.term()).isEqualTo(Tuple.of(Atom.of("call"), new ErlPid(Atom.of("a@host"), 245, 2, 2),
                Tuple.of(Atom.of("set_get_state"), Binary.of(new byte[4]))));
        assertThat(message.end()).isEqualTo(DOC_EXAMPLE.length);
    }

    @Test
    void longAtomsAndLatin1Entries() {
        AtomCache utf8 = new AtomCache(true);
        byte[] text = "é".repeat(200).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // N = 1: flags are N/2+1 = 1 byte: low nibble entry 0 (new, segment 0), high nibble LongAtoms
        byte[] header = new byte[2 + 1 + 2 + text.length];
        header[0] = 1;
        header[1] = (byte) (0x08 | 0x10);
        header[2] = 7;
        header[3] = (byte) (text.length >> 8);
        header[4] = (byte) text.length;
        System.arraycopy(text, 0, header, 5, text.length);
        assertThat(utf8.readHeader(header, 0, header.length).refs().atom(0)).isEqualTo(Atom.of("é".repeat(200)));

        AtomCache latin1 = new AtomCache(false);
        byte[] old = bytes(1, 0x08, 3, 2, 0xE9, 'a');
        assertThat(latin1.readHeader(old, 0, old.length).refs().atom(0)).isEqualTo(Atom.of("éa"));
        assertThatThrownBy(() -> new AtomCache(true).readHeader(old, 0, old.length))
                .isInstanceOf(TermDecodeException.class).hasMessageContaining("not well-formed UTF-8");
    }

    @Test
    void aHeaderMayReferOnlyToFilledEntries() {
        AtomCache cache = new AtomCache(true);
        byte[] cached = bytes(1, 0x03, 9);
        assertThatThrownBy(() -> cache.readHeader(cached, 0, cached.length)).isInstanceOf(TermDecodeException.class)
                .hasMessageContaining("reference 0 is to entry 9 of segment 3, which the peer never filled");
        byte[] cut = bytes(2, 0x88, 0, 1, 5, 'a');
        assertThatThrownBy(() -> cache.readHeader(cut, 0, cut.length)).isInstanceOf(TermDecodeException.class)
                .hasMessageContaining("truncated: new atom 0 has 5 bytes, 1 remain");
        // every cut of the example's 32-byte header fails
        for (int n = 0; n < 32; n++) {
            int end = 18 + n;
            AtomCache fresh = new AtomCache(true);
            fresh.readHeader(bytes(2, 0x8C, 0x00, 10, 1, 'a', 5, 0), 0, 8);
            assertThatThrownBy(() -> fresh.readHeader(DOC_EXAMPLE, 18, end)).isInstanceOf(TermDecodeException.class);
        }
        assertThat(cache.readHeader(bytes(0), 0, 1).refs().atom(0)).isNull();
    }

    @Test
    void atomCacheReferencesOutsideTheHeaderFail() {
        byte[] term = bytes(104, 1, 82, 3);
        TermDecoder decoder = new TermDecoder();
        assertThatThrownBy(() -> decoder.decodeBare(term, 0, term.length, i -> i == 0 ? Atom.OK : null))
                .isInstanceOf(TermDecodeException.class)
                .hasMessageContaining("at offset 2 (ATOM_CACHE_REF, tag 82): atom cache reference 3 is not in the "
                        + "distribution header");
        assertThat(decoder.decodeBare(term, 0, term.length, i -> i == 3 ? Atom.OK : null).term())
                .isEqualTo(Tuple.of(Atom.OK));
    }

    @Test
    void aFunWhoseAtomsCameFromTheCacheIsReEncodedSelfContained() {
        byte[] golden = HexFormat.of().parseHex("8370000000480126611D22F58E2C0FAEB37D83A01B50C00000000000000000"
                + "7706676F6C64656E610062013308E958770D6E6F6E6F6465406E6F686F7374000000090000000000000000");
        String hex = HexFormat.of().formatHex(golden, 1, golden.length)
                .replace("7706676f6c64656e", "5202").replace("770d6e6f6e6f6465406e6f686f7374", "5200");
        byte[] bare = HexFormat.of().parseHex(hex);
        int size = bare.length - 1;
        bare[1] = (byte) (size >>> 24);
        bare[2] = (byte) (size >>> 16);
        bare[3] = (byte) (size >>> 8);
        bare[4] = (byte) size;
        AtomCacheRefs refs = i -> switch (i) {
            case 0 -> Atom.of("nonode@nohost");
            case 2 -> Atom.of("golden");
            default -> null;
        };
        ErlFun.Closure fun = (ErlFun.Closure) new TermDecoder().decodeBare(bare, 0, bare.length, refs).term();
        assertThat(fun.encoded()).isEqualTo(Arrays.copyOfRange(golden, 1, golden.length));
        assertThat(fun).isEqualTo(Terms.binaryToTerm(golden));
    }
}
