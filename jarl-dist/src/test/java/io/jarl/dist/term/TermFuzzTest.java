package io.jarl.dist.term;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property tests with a seeded generator: random terms round-trip exactly, and mutated encodings
 * (bit flips, truncations, inflated lengths, inserted and deleted bytes) either decode or fail with
 * a {@link TermDecodeException}, never anything else, and quickly.
 */
@ExtendWith(NoLeakedProcesses.class)
class TermFuzzTest {
    @Test
    void randomTermsRoundTrip() {
        RandomTerms random = new RandomTerms(1, true, true);
        TermEncoder encoder = new TermEncoder();
        TermEncoder compressing = new TermEncoder(TermEncoder.Options.DEFAULT.withCompression(1));
        TermDecoder decoder = new TermDecoder();
        for (int i = 0; i < 20_000; i++) {
            Object term = random.term(5);
            byte[] bytes = encoder.encode(term);
            Object back = decoder.decode(bytes);
            assertThat(back).as("case %d", i).isEqualTo(term);
            assertThat(back.hashCode()).isEqualTo(term.hashCode());
            assertThat(Terms.format(back)).isEqualTo(Terms.format(term));
            assertThat(encoder.encode(back)).isEqualTo(bytes);
            if (i % 10 == 0) {
                assertThat(decoder.decode(compressing.encode(term))).isEqualTo(term);
            }
        }
    }

    @Test
    void mutatedEncodingsDecodeOrFailCleanly() {
        RandomTerms random = new RandomTerms(2, true, false);
        Random r = random.random();
        TermEncoder encoder = new TermEncoder();
        TermEncoder compressing = new TermEncoder(TermEncoder.Options.DEFAULT.withCompression(6));
        TermDecoder decoder = new TermDecoder(DecodeLimits.DEFAULT.withMaxDecompressedBytes(1 << 20));
        AtomCacheRefs refs = i -> i < 10 ? Atom.of("cached" + i) : null;
        int decoded = 0;
        int refused = 0;
        long slowest = 0;
        byte[][] seeds = new byte[500][];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = (i % 5 == 0 ? compressing : encoder).encode(random.term(4));
        }
        for (int i = 0; i < 200_000; i++) {
            byte[] input = mutate(seeds[r.nextInt(seeds.length)], r);
            long start = System.nanoTime();
            try {
                if (i % 7 == 0 && input.length > 0) {
                    decoder.decodeBare(input, 1, input.length, refs);
                } else {
                    decoder.decode(input, 0, input.length);
                }
                decoded++;
            } catch (TermDecodeException e) {
                refused++;
                assertThat(e.getMessage()).startsWith("at offset ");
            } catch (Throwable t) {
                throw new AssertionError("input " + HexFormat.of().formatHex(input) + " threw " + t, t);
            }
            slowest = Math.max(slowest, System.nanoTime() - start);
        }
        assertThat(decoded).isGreaterThan(10_000);
        assertThat(refused).isGreaterThan(10_000);
        assertThat(slowest).as("the slowest input, in ns").isLessThan(2_000_000_000L);
    }

    /** Randomly damages a copy of {@code valid}. */
    static byte[] mutate(byte[] valid, Random r) {
        byte[] b = valid.clone();
        switch (r.nextInt(6)) {
            case 0 -> { // flip bits
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    b[1 + r.nextInt(b.length - 1)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncate
            case 2 -> { // inflate a (possible) length field
                int at = 1 + r.nextInt(b.length - 1);
                int[] values = {0xFF, 0x7F, 0x80, 0x00};
                for (int k = 0; k < 4 && at + k < b.length; k++) {
                    b[at + k] = (byte) values[r.nextInt(values.length)];
                }
            }
            case 3 -> { // insert a byte
                int at = 1 + r.nextInt(b.length);
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) r.nextInt(256);
                System.arraycopy(b, at, c, at + 1, b.length - at);
                b = c;
            }
            case 4 -> { // delete a byte
                if (b.length > 2) {
                    int at = 1 + r.nextInt(b.length - 1);
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
            default -> b[1 + r.nextInt(b.length - 1)] = (byte) r.nextInt(256); // replace a byte
        }
        return b;
    }

    @Test
    void randomBytesFailCleanly() {
        Random r = new Random(3);
        TermDecoder decoder = new TermDecoder();
        for (int i = 0; i < 100_000; i++) {
            byte[] input = new byte[1 + r.nextInt(40)];
            r.nextBytes(input);
            input[0] = (byte) 131;
            try {
                decoder.decode(input, 0, input.length);
            } catch (TermDecodeException expected) {
                // fine
            } catch (Throwable t) {
                throw new AssertionError("input " + HexFormat.of().formatHex(input) + " threw " + t, t);
            }
        }
    }
}
